#include "ImGuiQt.h"

#include <QFile>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLWidget>
#include <QPalette>
#include <QWheelEvent>
#include <cfloat>

#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"
#include "imgui_internal.h"

namespace gts {

namespace {

/// Point size of the overlay's text in logical pixels.
constexpr float kFontPixels = 14.0f;
/// Frames still drawn after the last input, so ImGui's hover and release states settle.
constexpr int kSettleFrames = 2;

/// A proportional font for the overlay: the default ImGui font is a bitmap font that looks
/// foreign next to Qt's text. The first of these that exists is used; ImGui's own otherwise.
const char* const kFontCandidates[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
};

/// ImGui 1.86 keys use their own enum values as indices into io.KeysDown.
int imguiKeyIndex(int qtKey) {
    switch (qtKey) {
    case Qt::Key_Tab: return ImGuiKey_Tab;
    case Qt::Key_Left: return ImGuiKey_LeftArrow;
    case Qt::Key_Right: return ImGuiKey_RightArrow;
    case Qt::Key_Up: return ImGuiKey_UpArrow;
    case Qt::Key_Down: return ImGuiKey_DownArrow;
    case Qt::Key_PageUp: return ImGuiKey_PageUp;
    case Qt::Key_PageDown: return ImGuiKey_PageDown;
    case Qt::Key_Home: return ImGuiKey_Home;
    case Qt::Key_End: return ImGuiKey_End;
    case Qt::Key_Insert: return ImGuiKey_Insert;
    case Qt::Key_Delete: return ImGuiKey_Delete;
    case Qt::Key_Backspace: return ImGuiKey_Backspace;
    case Qt::Key_Space: return ImGuiKey_Space;
    case Qt::Key_Return: return ImGuiKey_Enter;
    case Qt::Key_Enter: return ImGuiKey_KeyPadEnter;
    case Qt::Key_Escape: return ImGuiKey_Escape;
    case Qt::Key_A: return ImGuiKey_A;
    case Qt::Key_C: return ImGuiKey_C;
    case Qt::Key_V: return ImGuiKey_V;
    case Qt::Key_X: return ImGuiKey_X;
    case Qt::Key_Y: return ImGuiKey_Y;
    case Qt::Key_Z: return ImGuiKey_Z;
    default: return -1;
    }
}

int imguiMouseButton(Qt::MouseButton b) {
    switch (b) {
    case Qt::LeftButton: return 0;
    case Qt::RightButton: return 1;
    case Qt::MiddleButton: return 2;
    default: return -1;
    }
}

ImVec4 toImVec4(const QColor& c, float alpha = -1.0f) {
    return ImVec4(c.redF(), c.greenF(), c.blueF(), alpha < 0.0f ? c.alphaF() : alpha);
}

void loadFont(float devicePixelRatio) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFont* font = nullptr;
    for (const char* path : kFontCandidates) {
        if (!QFile::exists(QString::fromUtf8(path))) continue;
        ImFontConfig config;
        config.OversampleH = 2;
        font = io.Fonts->AddFontFromFileTTF(path, kFontPixels * devicePixelRatio, &config);
        if (font) break;
    }
    if (!font) {
        ImFontConfig config;
        config.SizePixels = 13.0f * devicePixelRatio;
        io.Fonts->AddFontDefault(&config);
    }
    // Fonts are rasterized at device resolution and drawn at logical size.
    io.FontGlobalScale = 1.0f / devicePixelRatio;
}

}  // namespace

ImGuiQt::ImGuiQt(QOpenGLWidget* widget) : widget_(widget) {
    ImGuiContext* previous = ImGui::GetCurrentContext();
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // the overlay's place is fixed; nothing to remember
    io.LogFilename = nullptr;
    io.BackendPlatformName = "gtscope_qt";
    for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k;
    ImGui::SetCurrentContext(previous);
    clock_.start();
}

ImGuiQt::~ImGuiQt() {
    if (ImGui::GetCurrentContext() == context_) ImGui::SetCurrentContext(nullptr);
    ImGui::DestroyContext(context_);
}

void ImGuiQt::makeCurrent() const { ImGui::SetCurrentContext(context_); }

void ImGuiQt::initializeGL() {
    makeCurrent();
    if (glReady_) shutdownGL();
    loadFont(static_cast<float>(widget_->devicePixelRatioF()));
    glReady_ = ImGui_ImplOpenGL3_Init("#version 330 core");
}

void ImGuiQt::shutdownGL() {
    if (!glReady_) return;
    makeCurrent();
    ImGui_ImplOpenGL3_Shutdown();
    glReady_ = false;
}

void ImGuiQt::applyPalette(const QPalette& palette) {
    makeCurrent();
    ImGuiStyle& style = ImGui::GetStyle();
    style = ImGuiStyle();
    style.WindowRounding = 6.0f;
    style.FrameRounding = 4.0f;
    style.GrabRounding = 4.0f;
    style.WindowBorderSize = 1.0f;
    style.FrameBorderSize = 0.0f;
    style.WindowPadding = ImVec2(10.0f, 8.0f);
    style.ItemSpacing = ImVec2(6.0f, 5.0f);
    style.WindowTitleAlign = ImVec2(0.0f, 0.5f);

    const QColor window = palette.color(QPalette::Window);
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::WindowText);
    const QColor mid = palette.color(QPalette::Mid);
    const QColor button = palette.color(QPalette::Button);
    const QColor highlight = palette.color(QPalette::Highlight);
    const QColor disabled = palette.color(QPalette::Disabled, QPalette::WindowText);
    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = toImVec4(text);
    c[ImGuiCol_TextDisabled] = toImVec4(disabled);
    c[ImGuiCol_WindowBg] = toImVec4(window, 0.86f);
    c[ImGuiCol_PopupBg] = toImVec4(window, 0.97f);
    c[ImGuiCol_Border] = toImVec4(mid, 0.6f);
    c[ImGuiCol_FrameBg] = toImVec4(base, 0.9f);
    c[ImGuiCol_FrameBgHovered] = toImVec4(highlight, 0.25f);
    c[ImGuiCol_FrameBgActive] = toImVec4(highlight, 0.4f);
    c[ImGuiCol_TitleBg] = toImVec4(window, 0.9f);
    c[ImGuiCol_TitleBgActive] = toImVec4(window, 0.95f);
    c[ImGuiCol_TitleBgCollapsed] = toImVec4(window, 0.8f);
    c[ImGuiCol_CheckMark] = toImVec4(highlight);
    c[ImGuiCol_SliderGrab] = toImVec4(highlight, 0.8f);
    c[ImGuiCol_SliderGrabActive] = toImVec4(highlight);
    c[ImGuiCol_Button] = toImVec4(button, 0.9f);
    c[ImGuiCol_ButtonHovered] = toImVec4(highlight, 0.35f);
    c[ImGuiCol_ButtonActive] = toImVec4(highlight, 0.6f);
    c[ImGuiCol_Header] = toImVec4(highlight, 0.3f);
    c[ImGuiCol_HeaderHovered] = toImVec4(highlight, 0.4f);
    c[ImGuiCol_HeaderActive] = toImVec4(highlight, 0.55f);
    c[ImGuiCol_Separator] = toImVec4(mid, 0.5f);
}

void ImGuiQt::newFrame() {
    makeCurrent();
    ImGuiIO& io = ImGui::GetIO();
    const float dpr = static_cast<float>(widget_->devicePixelRatioF());
    if (glReady_ && io.DisplayFramebufferScale.x != dpr && io.DisplayFramebufferScale.x != 1.0f) {
        // Moved to a screen of another pixel ratio: rasterize the font again.
        loadFont(dpr);
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    io.DisplaySize = ImVec2(static_cast<float>(widget_->width()), static_cast<float>(widget_->height()));
    io.DisplayFramebufferScale = ImVec2(dpr, dpr);
    const qint64 now = clock_.nsecsElapsed();
    io.DeltaTime = std::max(1e-4f, static_cast<float>(now - lastNs_) * 1e-9f);
    lastNs_ = now;
    if (glReady_) ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
}

void ImGuiQt::render() {
    makeCurrent();
    ImGui::Render();
    if (glReady_) ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (redrawFrames_ > 0) --redrawFrames_;
    if (ImGui::IsAnyItemActive()) redrawFrames_ = kSettleFrames;
}

bool ImGuiQt::wantsMouse() const {
    makeCurrent();
    return ImGui::GetIO().WantCaptureMouse;
}

bool ImGuiQt::handleEvent(QEvent* event) {
    makeCurrent();
    ImGuiIO& io = ImGui::GetIO();
    // Whether the pointer is over one of ImGui's windows, by their rectangles in the last
    // frame: WantCaptureMouse alone lags one frame behind a press.
    auto overWindow = [&](const QPointF& p) {
        ImGuiContext& g = *ImGui::GetCurrentContext();
        for (ImGuiWindow* w : g.Windows)
            if (w->Active && !w->Hidden && w->Rect().Contains(ImVec2(float(p.x()), float(p.y()))))
                return true;
        return false;
    };
    switch (event->type()) {
    case QEvent::MouseMove: {
        const auto* e = static_cast<QMouseEvent*>(event);
        io.MousePos = ImVec2(float(e->position().x()), float(e->position().y()));
        const bool mine = overWindow(e->position()) || ImGui::IsAnyItemActive();
        if (mine) redrawFrames_ = kSettleFrames;
        return mine;
    }
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonDblClick:
    case QEvent::MouseButtonRelease: {
        const auto* e = static_cast<QMouseEvent*>(event);
        io.MousePos = ImVec2(float(e->position().x()), float(e->position().y()));
        const int button = imguiMouseButton(e->button());
        const bool press = event->type() != QEvent::MouseButtonRelease;
        const bool mine = overWindow(e->position()) || (!press && ImGui::IsAnyItemActive());
        // A press outside the overlay belongs to the canvas; its release must not reach
        // ImGui either, or ImGui would see a click it never saw start.
        if (button >= 0 && (mine || !press)) io.MouseDown[button] = press && mine;
        if (mine) redrawFrames_ = kSettleFrames;
        return mine;
    }
    case QEvent::Wheel: {
        const auto* e = static_cast<QWheelEvent*>(event);
        if (!overWindow(e->position())) return false;
        io.MouseWheel += float(e->angleDelta().y()) / 120.0f;
        io.MouseWheelH += float(e->angleDelta().x()) / 120.0f;
        redrawFrames_ = kSettleFrames;
        return true;
    }
    case QEvent::Leave:
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        return false;
    case QEvent::KeyPress:
    case QEvent::KeyRelease: {
        const auto* e = static_cast<QKeyEvent*>(event);
        const bool press = event->type() == QEvent::KeyPress;
        const Qt::KeyboardModifiers mods = e->modifiers();
        io.KeyCtrl = mods & Qt::ControlModifier;
        io.KeyShift = mods & Qt::ShiftModifier;
        io.KeyAlt = mods & Qt::AltModifier;
        io.KeySuper = mods & Qt::MetaModifier;
        const int key = imguiKeyIndex(e->key());
        if (key >= 0) io.KeysDown[key] = press;
        if (press && io.WantTextInput)
            for (QChar ch : e->text())
                if (ch.isPrint()) io.AddInputCharacter(ch.unicode());
        if (io.WantTextInput) redrawFrames_ = kSettleFrames;
        return io.WantTextInput;
    }
    case QEvent::FocusOut:
        for (bool& down : io.KeysDown) down = false;
        io.KeyCtrl = io.KeyShift = io.KeyAlt = io.KeySuper = false;
        return false;
    default:
        return false;
    }
}

}  // namespace gts
