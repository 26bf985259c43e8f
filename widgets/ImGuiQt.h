#pragma once
// Dear ImGui inside a QOpenGLWidget: one ImGui context per widget, fed with the widget's Qt
// input, time and size through ImGui 1.86's IO fields (io.MousePos, io.MouseDown[],
// io.KeysDown[], io.AddInputCharacter), drawn with ImGui's OpenGL 3 backend into the widget's
// framebuffer. Debian ships no Qt backend, so this is it.

#include <QColor>
#include <QElapsedTimer>

class QEvent;
class QOpenGLWidget;
class QPalette;
struct ImGuiContext;

namespace gts {

class ImGuiQt {
public:
    /// Creates the ImGui context (not yet the GL objects: see initializeGL).
    explicit ImGuiQt(QOpenGLWidget* widget);
    ~ImGuiQt();
    ImGuiQt(const ImGuiQt&) = delete;
    ImGuiQt& operator=(const ImGuiQt&) = delete;

    /// With the widget's context current: the OpenGL 3 backend (GLSL 330) and the fonts.
    void initializeGL();
    /// With the widget's context current, before it goes away.
    void shutdownGL();
    bool initialized() const { return glReady_; }

    /// Colours and rounding from the palette, so the overlay looks like part of the canvas.
    void applyPalette(const QPalette& palette);

    /// Starts a frame (makes this widget's ImGui context current); ImGui calls follow.
    void newFrame();
    /// Ends the frame and draws it into the bound framebuffer.
    void render();

    /// Feeds an input event to ImGui. True when ImGui wants it (the pointer is over an ImGui
    /// window, or a text field has the keyboard): the widget should not act on it then.
    bool handleEvent(QEvent* event);
    /// ImGui wanted the mouse at the end of the last frame.
    bool wantsMouse() const;
    /// Something in the last frame is animating or being edited, so another frame is due.
    bool wantsRedraw() const { return redrawFrames_ > 0; }

private:
    void makeCurrent() const;

    QOpenGLWidget* widget_;
    ImGuiContext* context_ = nullptr;
    bool glReady_ = false;
    QElapsedTimer clock_;
    qint64 lastNs_ = 0;
    int redrawFrames_ = 0;
};

}  // namespace gts
