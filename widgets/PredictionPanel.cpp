#include "PredictionPanel.h"

#include <QPainter>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ColorMaps.h"

namespace gts {

namespace {

constexpr int kLabelWidthChars = 14;
constexpr int kValueWidthChars = 7;
constexpr int kMargin = 6;

/// Softmax of logits, computed from the maximum for stability.
std::vector<float> softmax(const float* logits, int64_t n) {
    std::vector<float> p(static_cast<size_t>(n));
    const float peak = *std::max_element(logits, logits + n);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += p[static_cast<size_t>(i)] = std::exp(logits[i] - peak);
    for (float& x : p) x = static_cast<float>(x / sum);
    return p;
}

}  // namespace

PredictionPanel::PredictionPanel(Inspection* inspection, QWidget* parent)
    : QWidget(parent), inspection_(inspection) {
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    connect(inspection_, &Inspection::dataChanged, this, [this] { refresh(); });
    connect(inspection_, &Inspection::selectionChanged, this, [this] { refresh(); });
    connect(inspection_, &Inspection::hoverChanged, this, [this] { refresh(); });
    refresh();
}

std::vector<std::pair<int32_t, float>> PredictionPanel::topTokens(const model::RunResult& result, int row, int slot, int k) {
    const Tensor& logits = result.logits;  // [S_final, next_n, vocab]
    if (logits.rank() != 3 || row < 0 || row >= logits.dim(0) || slot < 0 || slot >= logits.dim(1)) return {};
    const int64_t V = logits.dim(2);
    const std::vector<float> p = softmax(logits.data() + (row * logits.dim(1) + slot) * V, V);
    std::vector<int32_t> ids(static_cast<size_t>(V));
    std::iota(ids.begin(), ids.end(), 0);
    const auto top = static_cast<size_t>(std::clamp<int64_t>(k, 0, V));
    std::partial_sort(ids.begin(), ids.begin() + static_cast<ptrdiff_t>(top), ids.end(), [&](int32_t a, int32_t b) {
        return p[static_cast<size_t>(a)] > p[static_cast<size_t>(b)] || (p[static_cast<size_t>(a)] == p[static_cast<size_t>(b)] && a < b);
    });
    std::vector<std::pair<int32_t, float>> out;
    for (size_t i = 0; i < top; ++i) out.emplace_back(ids[i], p[static_cast<size_t>(ids[i])]);
    return out;
}

void PredictionPanel::refresh() {
    sections_.clear();
    header_.clear();
    position_ = -1;
    const InspectionData& d = inspection_->data();
    if (!d.model || !d.result) {
        header_ = d.model ? tr("%1: not run yet").arg(QString::fromStdString(d.model->files.folder.filename().string()))
                          : tr("No model");
        updateGeometry();
        update();
        return;
    }
    const model::GraphGptModel& m = *d.model;
    const model::RunResult& r = *d.result;
    const QString name = QString::fromStdString(m.files.folder.filename().string());
    const int positions = d.tokens ? static_cast<int>(d.tokens->positions.size()) : static_cast<int>(r.positions.size());
    header_ = tr("%1 · %2 positions · %3 ms").arg(name).arg(positions).arg(r.milliseconds, 0, 'f', 1);

    if (m.weights.head == model::HeadKind::Pretrain && r.logits.rank() == 3) {
        const Pointed& h = inspection_->hover();
        const Pointed& s = inspection_->selected();
        position_ = h.position >= 0 ? h.position : s.position >= 0 ? s.position : inspection_->query();
        if (position_ < 0) position_ = 0;
        const auto it = std::find(r.positions.begin(), r.positions.end(), position_);
        if (it == r.positions.end()) {
            sections_.push_back({tr("Position %1 was pruned before the output").arg(position_), {}, true});
            updateGeometry();
            update();
            return;
        }
        const int row = static_cast<int>(it - r.positions.begin());
        for (int slot = 0; slot < r.logits.dim(1); ++slot) {
            PredictionSection section;
            QString input;
            if (d.tokens && slot < static_cast<int>(d.tokens->positions[static_cast<size_t>(position_)].size()))
                input = QString::fromStdString(d.tokens->positions[static_cast<size_t>(position_)][static_cast<size_t>(slot)]);
            section.title = input.isEmpty() ? tr("Position %1, slot %2").arg(position_).arg(slot)
                                            : tr("Position %1, slot %2 (input %3)").arg(position_).arg(slot).arg(input);
            for (const auto& [id, prob] : topTokens(r, row, slot, kTopTokens)) {
                const std::string* text = m.hasVocab ? m.vocab.findToken(id) : nullptr;
                const QString label = text                          ? QString::fromStdString(*text)
                                      : id == m.config.padTokenId ? QStringLiteral("<pad>")
                                                                  : QStringLiteral("#%1").arg(id);
                section.bars.push_back({label, prob});
            }
            sections_.push_back(std::move(section));
        }
    } else if (r.logits.size() > 0) {
        const auto problem = m.config.effectiveProblemType();
        const auto n = static_cast<int64_t>(r.logits.size());
        PredictionSection section;
        section.title = tr("%1 (%2)").arg(name, QString::fromLatin1(model::problemTypeName(problem)));
        if (problem == model::ProblemType::Regression) {
            section.probabilities = false;
            for (int64_t i = 0; i < n; ++i)
                section.bars.push_back({n == 1 ? tr("predicted value") : tr("output %1").arg(i), r.logits.data()[i]});
        } else if (problem == model::ProblemType::SingleLabelClassification) {
            const std::vector<float> p = softmax(r.logits.data(), n);
            for (int64_t i = 0; i < n; ++i) section.bars.push_back({tr("class %1").arg(i), p[static_cast<size_t>(i)]});
        } else {
            // Multi-label: an independent sigmoid per label (HF BCEWithLogits head).
            for (int64_t i = 0; i < n; ++i)
                section.bars.push_back({tr("label %1").arg(i), 1.0 / (1.0 + std::exp(-double(r.logits.data()[i])))});
        }
        sections_.push_back(std::move(section));
    }
    updateGeometry();
    update();
}

int PredictionPanel::contentHeight() const {
    const QFontMetrics fm(font());
    const int line = fm.height() + 4;
    int h = kMargin + line + 4;
    for (const auto& s : sections_) h += line + static_cast<int>(s.bars.size()) * line + 6;
    return h + kMargin;
}

QSize PredictionPanel::sizeHint() const { return {320, std::max(120, contentHeight())}; }

void PredictionPanel::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QPalette& pal = palette();
    p.fillRect(rect(), pal.window());
    const QFontMetrics fm(font());
    const int line = fm.height() + 4;
    const int labelWidth = fm.horizontalAdvance(QLatin1Char('M')) * kLabelWidthChars;
    const int valueWidth = fm.horizontalAdvance(QLatin1Char('0')) * kValueWidthChars;
    int y = kMargin;
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRect(kMargin, y, width() - 2 * kMargin, line), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(header_, Qt::ElideRight, width() - 2 * kMargin));
    y += line + 4;
    const QColor barColor = colormaps::color(colormaps::ColorMap::Viridis, 0.35f);
    for (const auto& s : sections_) {
        p.setFont(bold);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRect(kMargin, y, width() - 2 * kMargin, line), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(s.title, Qt::ElideRight, width() - 2 * kMargin));
        y += line;
        p.setFont(font());
        for (const auto& b : s.bars) {
            const QRect label(kMargin * 2, y, labelWidth, line);
            p.setPen(pal.color(QPalette::Text));
            p.drawText(label, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(b.label, Qt::ElideMiddle, labelWidth - 4));
            const int barLeft = label.right() + 4;
            const int barSpace = std::max(10, width() - barLeft - valueWidth - kMargin);
            const QString value = s.probabilities ? QString::number(b.value, 'f', 3) : QString::number(b.value, 'g', 5);
            if (s.probabilities) {
                const QRect track(barLeft, y + 3, barSpace, line - 6);
                p.fillRect(track, pal.color(QPalette::AlternateBase));
                p.fillRect(QRect(track.left(), track.top(), int(std::lround(std::clamp(b.value, 0.0, 1.0) * barSpace)), track.height()), barColor);
                p.drawText(QRect(track.right() + 4, y, valueWidth, line), Qt::AlignRight | Qt::AlignVCenter, value);
            } else {
                QFont big = bold;
                p.setFont(big);
                p.drawText(QRect(barLeft, y, barSpace + valueWidth, line), Qt::AlignLeft | Qt::AlignVCenter, value);
                p.setFont(font());
            }
            y += line;
        }
        y += 6;
    }
}

}  // namespace gts
