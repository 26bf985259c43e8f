#include "PredictionPanel.h"

#include <QFileInfo>

#include <QDir>
#include <QFile>
#include <QPainter>
#include <QPainterPath>
#include <QResizeEvent>
#include <QRegularExpression>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ColorMaps.h"
#include "analysis/NodeLevel.h"

namespace gts {

namespace {

constexpr int kLabelWidthChars = 14;
constexpr int kValueWidthChars = 7;
constexpr int kMargin = 6;
constexpr int kChartHeight = 64;
constexpr qint64 kCardReadLimit = 64 * 1024;

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

ModelTarget ModelTarget::fromCard(const QString& cardText) {
    ModelTarget t;
    // The first paragraph after the "# title" line.
    QStringList paragraph;
    bool started = false;
    for (const QString& raw : cardText.split(QLatin1Char('\n'))) {
        const QString line = raw.trimmed();
        if (line.startsWith(QLatin1Char('#'))) {
            if (started) break;
            continue;
        }
        if (line.isEmpty()) {
            if (started) break;
            continue;
        }
        started = true;
        paragraph << line;
    }
    QString text = paragraph.join(QLatin1Char(' '));
    static const QRegularExpression taskLabel(QStringLiteral("^\\*\\*Task\\.\\*\\*\\s*"));
    text.remove(taskLabel);
    static const QRegularExpression target(QStringLiteral("\\*\\*([^*.]+)\\*\\*\\s*\\(([^,()]+),\\s*([^()]+)\\)"));
    if (const auto m = target.match(text); m.hasMatch()) {
        t.name = m.captured(1).trimmed();
        t.abbreviation = m.captured(2).trimmed();
        t.unit = m.captured(3).trimmed();
    }
    QString plain = text;
    plain.remove(QStringLiteral("**"));
    plain.remove(QLatin1Char('`'));
    static const QRegularExpression sentenceEnd(QStringLiteral("[.!?](\\s|$)"));
    const auto end = sentenceEnd.match(plain);
    t.task = (end.hasMatch() ? plain.left(end.capturedStart() + 1) : plain).trimmed();
    return t;
}

ModelTarget ModelTarget::fromModelFolder(const QString& folder) {
    for (const char* name : {"MODEL_CARD.md", "README.md"}) {
        QFile f(QDir(folder).filePath(QString::fromLatin1(name)));
        if (f.open(QIODevice::ReadOnly)) return fromCard(QString::fromUtf8(f.read(kCardReadLimit)));
    }
    return {};
}

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
    tokenSeries_.clear();
    tokenSeriesPositions_.clear();
    tokenSeriesTitle_.clear();
    tokenSeriesMarked_ = -1;
    nodeSeries_ = false;
    const InspectionData& d = inspection_->data();
    if (d.model.get() != targetModel_) {
        targetModel_ = d.model.get();
        target_ = d.model ? ModelTarget::fromModelFolder(QString::fromStdString(d.model->files.folder.string())) : ModelTarget{};
    }
    if (!d.model && d.nodeTokens && d.result) {
        refreshNodeLevel();
        updateGeometry();
        update();
        return;
    }
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
            if (!target_.name.isEmpty()) section.title = target_.name;
            const QString valueName = !target_.abbreviation.isEmpty() ? target_.abbreviation : tr("predicted value");
            const QString unit = target_.unit.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(target_.unit);
            for (int64_t i = 0; i < n; ++i)
                section.bars.push_back({(n == 1 ? valueName : tr("output %1").arg(i)) + unit, r.logits.data()[i]});
        } else if (problem == model::ProblemType::SingleLabelClassification) {
            const std::vector<float> p = softmax(r.logits.data(), n);
            for (int64_t i = 0; i < n; ++i) section.bars.push_back({tr("class %1").arg(i), p[static_cast<size_t>(i)]});
        } else {
            // Multi-label: an independent sigmoid per label (HF BCEWithLogits head).
            for (int64_t i = 0; i < n; ++i)
                section.bars.push_back({tr("label %1").arg(i), 1.0 / (1.0 + std::exp(-double(r.logits.data()[i])))});
        }
        sections_.push_back(std::move(section));

        // The same head on every position: how the prediction builds up along the walk.
        const Tensor& tl = r.tokenLogits;  // [S_final, num_labels]
        if (tl.rank() == 2 && tl.dim(1) == n && tl.dim(0) == static_cast<int64_t>(r.positions.size())) {
            int64_t cls = 0;
            if (problem == model::ProblemType::SingleLabelClassification)
                cls = std::max_element(r.logits.data(), r.logits.data() + n) - r.logits.data();
            for (int64_t row = 0; row < tl.dim(0); ++row) {
                const float* v = tl.data() + row * n;
                double value = v[0];
                if (problem == model::ProblemType::SingleLabelClassification) value = softmax(v, n)[static_cast<size_t>(cls)];
                else if (problem != model::ProblemType::Regression) value = 1.0 / (1.0 + std::exp(-double(v[0])));
                tokenSeries_.push_back(value);
            }
            tokenSeriesPositions_ = r.positions;
            tokenSeriesTitle_ = problem == model::ProblemType::Regression
                                    ? tr("Head on each position%1").arg(target_.unit.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(target_.unit))
                                : problem == model::ProblemType::SingleLabelClassification
                                    ? tr("P(class %1) on each position").arg(cls)
                                    : tr("P(label 0) on each position");
            const Pointed& h = inspection_->hover();
            const Pointed& s = inspection_->selected();
            const int at = h.position >= 0 ? h.position : s.position;
            const auto it = std::find(r.positions.begin(), r.positions.end(), at);
            if (at >= 0 && it != r.positions.end()) tokenSeriesMarked_ = static_cast<int>(it - r.positions.begin());
        }
    }
    updateGeometry();
    update();
}

void PredictionPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (event->oldSize().width() != width()) updateGeometry();
}

int PredictionPanel::taskHeight() const {
    const int w = std::max(50, width() - 2 * kMargin);
    return QFontMetrics(font()).boundingRect(QRect(0, 0, w, 100000), Qt::AlignLeft | Qt::TextWordWrap, target_.task).height();
}

void PredictionPanel::refreshNodeLevel() {
    // A node-level model: its outputs read by the objective its config names, the model card's
    // target when the folder has one. A node task: what the model predicts over all nodes, the
    // hovered (else selected) node's own prediction, and a chart of one number per node.
    const InspectionData& d = inspection_->data();
    if (target_.name.isEmpty() && !d.modelPath.isEmpty()) target_ = ModelTarget::fromModelFolder(d.modelPath);
    const model::RunResult& r = *d.result;
    const QString name = QFileInfo(d.modelPath).fileName();
    header_ = tr("%1 · %2 nodes · %3 ms").arg(name).arg(r.positions.size()).arg(r.milliseconds, 0, 'f', 1);
    nodeSeries_ = true;
    const model::NodeObjective objective = d.nodeModel ? d.nodeModel->summary().objective : model::NodeObjective::Regression;
    const bool classes = objective == model::NodeObjective::Classification;
    const bool labels = objective == model::NodeObjective::MultiLabel;
    const QString unit = target_.unit.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(target_.unit);
    const QString valueName = !target_.abbreviation.isEmpty() ? target_.abbreviation : tr("output");
    const auto outputLabel = [&](int64_t i, int64_t n) {
        return classes ? tr("class %1").arg(i) : labels ? tr("label %1").arg(i) : (n == 1 ? valueName : tr("output %1").arg(i)) + unit;
    };
    const QString what = !target_.name.isEmpty() ? target_.name : name;

    const Tensor& tl = r.tokenLogits;  // a node task: [remaining nodes, outputs]
    if (!(tl.rank() == 2 && tl.dim(0) == static_cast<int64_t>(r.positions.size()) && tl.dim(1) >= 1)) {
        const analysis::NodePredictions p = analysis::nodePredictions(r.logits, objective);
        PredictionSection section;
        section.probabilities = classes || labels;
        section.title = classes && p.rows == 1 ? tr("%1 → class %2").arg(what).arg(p.predicted[0]) : what;
        for (int64_t i = 0; i < p.outputs && p.rows == 1; ++i) section.bars.push_back({outputLabel(i, p.outputs), p.row(0)[i]});
        sections_.push_back(std::move(section));
        return;
    }

    const analysis::NodePredictions p = analysis::nodePredictions(tl, objective);
    const int64_t n = p.outputs;
    {  // over all nodes
        PredictionSection section;
        if (classes || labels) {
            // How many nodes the model puts in each class (or gives each label, p > 0.5).
            std::vector<int64_t> count(static_cast<size_t>(n), 0);
            for (int64_t row = 0; row < p.rows; ++row) {
                if (classes) ++count[static_cast<size_t>(p.predicted[static_cast<size_t>(row)])];
                else
                    for (int64_t c = 0; c < n; ++c) count[static_cast<size_t>(c)] += p.row(row)[c] > 0.5f ? 1 : 0;
            }
            section.title = classes ? tr("%1: predicted class of the %2 nodes").arg(what).arg(p.rows)
                                    : tr("%1: nodes given each label (p > 0.5) of %2").arg(what).arg(p.rows);
            for (int64_t c = 0; c < n; ++c)
                section.bars.push_back({tr("%1 · %2").arg(outputLabel(c, n)).arg(count[static_cast<size_t>(c)]),
                                        p.rows > 0 ? double(count[static_cast<size_t>(c)]) / double(p.rows) : 0.0});
        } else {
            section.probabilities = false;
            section.title = tr("%1 (mean over nodes)").arg(what);
            for (int64_t i = 0; i < n && i < static_cast<int64_t>(r.logits.size()); ++i)
                section.bars.push_back({outputLabel(i, n), r.logits.data()[i]});
        }
        sections_.push_back(std::move(section));
    }

    // The node under the pointer, else the selected one (a node-level position is its node).
    const Pointed& h = inspection_->hover();
    const Pointed& s = inspection_->selected();
    const auto nodeOf = [](const Pointed& pt) { return pt.position >= 0 ? pt.position : pt.node != kNoIndex ? static_cast<int>(pt.node) : -1; };
    const int at = nodeOf(h) >= 0 ? nodeOf(h) : nodeOf(s);
    const auto it = std::find(r.positions.begin(), r.positions.end(), at);
    const int row = at >= 0 && it != r.positions.end() ? static_cast<int>(it - r.positions.begin()) : -1;
    QString nodeName = tr("Node %1").arg(at);
    if (d.tokens && at >= 0 && at < static_cast<int>(d.tokens->positions.size()) && !d.tokens->positions[static_cast<size_t>(at)].empty()) {
        const QString token = QString::fromStdString(d.tokens->positions[static_cast<size_t>(at)][0]);
        if (token != QString::number(at)) nodeName = tr("Node %1 (%2)").arg(at).arg(token);
    }
    PredictionSection node;
    node.probabilities = classes || labels;
    if (at < 0) {
        node.title = tr("Hover or select a node for its own prediction");
    } else if (row < 0) {
        node.title = tr("%1 was pruned before the output").arg(nodeName);
    } else {
        node.title = classes ? tr("%1 → class %2").arg(nodeName).arg(p.predicted[static_cast<size_t>(row)]) : nodeName;
        for (int64_t c = 0; c < n; ++c) node.bars.push_back({outputLabel(c, n), p.row(row)[c]});
    }
    sections_.push_back(std::move(node));

    // One number per node: the probability of its predicted class (how sure the model is), the
    // first label's probability, or the first output.
    for (int64_t i = 0; i < p.rows; ++i)
        tokenSeries_.push_back(classes ? p.row(i)[p.predicted[static_cast<size_t>(i)]] : p.row(i)[0]);
    tokenSeriesPositions_ = r.positions;
    tokenSeriesTitle_ = classes ? tr("P(predicted class) on each node")
                        : labels ? tr("P(label 0) on each node")
                                 : tr("%1 on each node%2").arg(n == 1 ? valueName : tr("Output 0"), unit);
    tokenSeriesMarked_ = row;
}

int PredictionPanel::contentHeight() const {
    const QFontMetrics fm(font());
    const int line = fm.height() + 4;
    int h = kMargin + line + 4;
    for (const auto& s : sections_) h += line + static_cast<int>(s.bars.size()) * line + 6;
    if (target_.name.isEmpty() && !target_.task.isEmpty() && !tokenSeries_.empty()) h += taskHeight() + 4;
    if (!tokenSeries_.empty()) h += 2 * line + kChartHeight + 6;
    return h + kMargin;
}

QSize PredictionPanel::sizeHint() const { return {320, std::max(120, contentHeight())}; }

QSize PredictionPanel::minimumSizeHint() const { return {200, contentHeight()}; }

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
    if (!tokenSeries_.empty()) paintTokenSeries(p, y);
}

void PredictionPanel::paintTokenSeries(QPainter& p, int y) {
    const QPalette& pal = palette();
    const QFontMetrics fm(font());
    const int line = fm.height() + 4;
    const int w = width() - 2 * kMargin;
    if (target_.name.isEmpty() && !target_.task.isEmpty()) {  // a card without a named target
        p.setPen(pal.color(QPalette::PlaceholderText));
        const int h = taskHeight();
        p.drawText(QRect(kMargin, y, w, h), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, target_.task);
        y += h + 4;
    }
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRect(kMargin, y, w, line), Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(tokenSeriesTitle_, Qt::ElideRight, w));
    y += line;
    p.setFont(font());

    // Bars from zero (or from the series' minimum when every value is positive and far from it).
    const auto [lo, hi] = std::minmax_element(tokenSeries_.begin(), tokenSeries_.end());
    const double top = std::max(*hi, 0.0), bottom = std::min(*lo, 0.0);
    const double span = top - bottom > 0 ? top - bottom : 1.0;
    const int axisWidth = fm.horizontalAdvance(QStringLiteral("-0000.0")) + 4;
    const QRect chart(kMargin + axisWidth, y, std::max(20, w - axisWidth), kChartHeight);
    p.fillRect(chart, pal.color(QPalette::AlternateBase));
    p.setPen(pal.color(QPalette::PlaceholderText));
    p.drawText(QRect(kMargin, chart.top(), axisWidth - 4, line), Qt::AlignRight | Qt::AlignTop, QString::number(top, 'g', 4));
    p.drawText(QRect(kMargin, chart.bottom() - line, axisWidth - 4, line), Qt::AlignRight | Qt::AlignBottom, QString::number(bottom, 'g', 4));
    const auto yOf = [&](double v) { return chart.bottom() - (v - bottom) / span * chart.height(); };
    const double step = double(chart.width()) / double(tokenSeries_.size());
    const QColor barColor = colormaps::color(colormaps::ColorMap::Viridis, 0.35f);
    const QColor last = colormaps::color(colormaps::ColorMap::Viridis, 0.75f);
    const double zero = yOf(0.0);
    for (size_t i = 0; i < tokenSeries_.size(); ++i) {
        const double x0 = chart.left() + double(i) * step;
        const double yv = yOf(tokenSeries_[i]);
        const QRectF bar(x0 + (step > 3 ? 0.5 : 0.0), std::min(yv, zero), std::max(1.0, step - (step > 3 ? 1.0 : 0.0)),
                         std::max(1.0, std::abs(zero - yv)));
        const bool marked = static_cast<int>(i) == tokenSeriesMarked_;
        p.fillRect(bar, marked                                       ? pal.color(QPalette::Highlight)
                        : !nodeSeries_ && i + 1 == tokenSeries_.size() ? last
                                                                       : barColor);
    }
    y = chart.bottom() + 2;
    // The pooled prediction is the last position's; the marked one is what the pointer is on.
    QString caption = nodeSeries_ ? tr("hover a node to read its bar")
                                  : tr("last position = the prediction · hover a token to read its bar");
    if (tokenSeriesMarked_ >= 0)
        caption = (nodeSeries_ ? tr("node %1: %2") : tr("position %1: %2"))
                      .arg(tokenSeriesPositions_[static_cast<size_t>(tokenSeriesMarked_)])
                      .arg(QString::number(tokenSeries_[static_cast<size_t>(tokenSeriesMarked_)], 'g', 4));
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRect(chart.left(), y, chart.width(), line), Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(caption, Qt::ElideRight, chart.width()));
}

}  // namespace gts
