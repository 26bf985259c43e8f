#include "RingView.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "jobs/JobRunner.h"
#include "model/Run.h"

namespace gts {

namespace {

struct RingOutcome {
    std::shared_ptr<const analysis::RingResult> ring;
    double difference = 0;
    bool causal = false;
};

}  // namespace

// --- RingTimeline --------------------------------------------------------------------------

RingTimeline::RingTimeline(QWidget* parent) : QWidget(parent) { setMinimumHeight(220); }

void RingTimeline::setResult(std::shared_ptr<const analysis::RingResult> result, bool causal) {
    result_ = std::move(result);
    causal_ = causal;
    update();
}

QColor RingTimeline::blockColor(int block, int blocks) {
    // Okabe & Ito 2008 ("Color Universal Design") for the first eight, then evenly spaced hues.
    static const QRgb okabeIto[] = {0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xD55E00, 0xF0E442, 0x000000};
    if (blocks <= 8) return QColor(okabeIto[block % 8]);
    return QColor::fromHsvF(std::fmod(double(block) / double(blocks), 1.0), 0.55, 0.85);
}

void RingTimeline::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    if (!result_) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("Run the ring to see each device's steps"));
        return;
    }
    const auto& r = *result_;
    const int N = r.workers;
    const QFontMetrics fm(font());
    const int labelW = fm.horizontalAdvance(QStringLiteral("device 00")) + 8;
    // Top: the timeline (2/3 of the height); bottom: the schedule grid.
    const int gridCell = std::clamp((height() / 3 - fm.height() - 8) / std::max(1, N), 6, 22);
    const int gridH = gridCell * N + fm.height() + 8;
    const QRectF lanes(labelW, 4, width() - labelW - 12, height() - gridH - fm.height() - 16);
    const double rowH = lanes.height() / N;
    const double total = std::max(1e-6, r.totalMs);
    auto xOf = [&](double ms) { return lanes.left() + lanes.width() * ms / total; };
    const QColor computeColor(0x0072B2), sendColor(0xE69F00), idleColor = pal.color(QPalette::Mid);

    p.setPen(pal.color(QPalette::Text));
    for (int w = 0; w < N; ++w)
        p.drawText(QRectF(0, lanes.top() + w * rowH, labelW - 4, rowH), Qt::AlignRight | Qt::AlignVCenter,
                   tr("device %1").arg(w));
    for (const auto& e : r.events) {
        const double y = lanes.top() + e.worker * rowH;
        if (e.kind == analysis::RingEvent::Kind::Wait) {
            // Waiting for the slowest device of the step: a thin line across the row.
            p.setPen(QPen(idleColor, 1));
            p.drawLine(QPointF(xOf(e.startMs), y + rowH * 0.31), QPointF(xOf(e.endMs), y + rowH * 0.31));
            continue;
        }
        const bool send = e.kind == analysis::RingEvent::Kind::Send;
        // Sends in the lower half of the row, compute in the upper: with overlap they coincide in time.
        QRectF bar(xOf(e.startMs), y + (send ? rowH * 0.55 : rowH * 0.1), std::max(1.5, xOf(e.endMs) - xOf(e.startMs)),
                   rowH * (send ? 0.3 : 0.42));
        if (e.kind == analysis::RingEvent::Kind::Idle) {
            p.setPen(QPen(idleColor, 1, Qt::DashLine));
            p.setBrush(Qt::NoBrush);
            p.drawLine(QPointF(bar.left(), bar.top()), QPointF(bar.left(), bar.bottom()));
            continue;
        }
        p.setPen(Qt::NoPen);
        p.setBrush(send ? sendColor : computeColor);
        p.drawRect(bar);
        if (!send && bar.width() > fm.horizontalAdvance(QStringLiteral("K/V 00")) + 4) {
            p.setPen(Qt::white);
            p.drawText(bar, Qt::AlignCenter, tr("K/V %1").arg(e.block));
        }
    }
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(QPointF(lanes.left(), lanes.bottom()), QPointF(lanes.right(), lanes.bottom()));
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRectF(lanes.left(), lanes.bottom() + 2, lanes.width(), fm.height()), Qt::AlignLeft, QStringLiteral("0"));
    p.drawText(QRectF(lanes.left(), lanes.bottom() + 2, lanes.width(), fm.height()), Qt::AlignRight,
               tr("%1 ms").arg(r.totalMs, 0, 'f', 2));
    // The key: coloured swatches, then what they mean.
    {
        const QString items[] = {tr("compute"), tr("send"), tr("wait for the step"), tr("idle (causal)")};
        const QColor colors[] = {computeColor, sendColor, idleColor, idleColor};
        double x = lanes.center().x() - 170;
        const double y = lanes.bottom() + 2;
        for (int i = 0; i < 4; ++i) {
            const QRectF swatch(x, y + fm.height() * 0.25, 10, fm.height() * 0.5);
            if (i < 2) p.fillRect(swatch, colors[i]);
            else {
                p.setPen(QPen(colors[i], 1, i == 3 ? Qt::DashLine : Qt::SolidLine));
                if (i == 2) p.drawLine(swatch.topLeft() + QPointF(0, swatch.height() / 2), swatch.topRight() + QPointF(0, swatch.height() / 2));
                else p.drawLine(swatch.center() - QPointF(0, swatch.height()), swatch.center() + QPointF(0, swatch.height()));
            }
            p.setPen(pal.color(QPalette::Text));
            p.drawText(QPointF(x + 14, y + fm.ascent()), items[i]);
            x += 14 + fm.horizontalAdvance(items[i]) + 14;
        }
    }

    // The schedule: row = device, column = step, cell = the block it holds, coloured by block.
    const double top = lanes.bottom() + fm.height() + 10;
    p.drawText(QRectF(0, top, labelW - 4, fm.height()), Qt::AlignRight, tr("step →"));
    for (int w = 0; w < N; ++w)
        for (int step = 0; step < N; ++step) {
            const int block = ((w - step) % N + N) % N;
            const bool idle = causal_ && r.blockStart[size_t(block)] > r.blockStart[size_t(w) + 1] - 1;
            const QRectF cell(labelW + step * gridCell, top + fm.height() + 2 + w * gridCell, gridCell - 1, gridCell - 1);
            QColor c = blockColor(block, N);
            if (idle) c.setAlpha(60);
            p.fillRect(cell, c);
            if (gridCell >= fm.height())
                p.setPen(idle ? pal.color(QPalette::Text) : QColor(Qt::white)),
                    p.drawText(cell, Qt::AlignCenter, QString::number(block));
        }
}

// --- RingView ------------------------------------------------------------------------------

RingView::RingView(Inspection* inspection, jobs::JobRunner* jobs, QWidget* parent)
    : QWidget(parent), inspection_(inspection), jobs_(jobs) {
    layer_ = new QSpinBox(this);
    layer_->setPrefix(tr("layer "));
    devices_ = new QSpinBox(this);
    devices_->setRange(1, 16);
    devices_->setValue(4);
    devices_->setSuffix(tr(" devices"));
    overlap_ = new QCheckBox(tr("overlap sends with compute"), this);
    overlap_->setChecked(true);
    overlap_->setToolTip(tr("Ring Attention's schedule: pass the next block on while computing the current one"));
    link_ = new QDoubleSpinBox(this);
    link_->setRange(0, 1000);
    link_->setDecimals(3);
    link_->setValue(0);
    link_->setSpecialValueText(tr("memory speed"));
    link_->setSuffix(tr(" GB/s"));
    link_->setToolTip(tr("Simulated link between devices: a send lasts bytes / bandwidth (0: a plain memory copy)"));
    run_ = new QPushButton(tr("Run ring"), this);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    timeline_ = new RingTimeline(this);

    auto* bar = new QHBoxLayout;
    for (QWidget* w : {static_cast<QWidget*>(layer_), static_cast<QWidget*>(devices_), static_cast<QWidget*>(overlap_),
                       static_cast<QWidget*>(link_), static_cast<QWidget*>(run_)})
        bar->addWidget(w);
    bar->addStretch(1);
    auto* box = new QVBoxLayout(this);
    box->addLayout(bar);
    box->addWidget(summary_);
    box->addWidget(timeline_, 1);

    connect(run_, &QPushButton::clicked, this, &RingView::start);
    connect(inspection_, &Inspection::dataChanged, this, &RingView::onDataChanged);
    onDataChanged();
}

void RingView::onDataChanged() {
    const InspectionData& d = inspection_->data();
    const bool ready = d.model && d.tokens && d.model->hasVocab;
    run_->setEnabled(ready);
    if (d.model) layer_->setRange(0, std::max(0, d.model->config.numLayers - 1));
    if (d.tokens) devices_->setMaximum(int(std::clamp<size_t>(d.tokens->positions.size(), 1, 16)));
    if (!ready) summary_->setText(tr("Open a graph and a model to replay one of its layers on a ring of devices."));
    else if (!timeline_->result())
        summary_->setText(tr("Splits the %1 positions into one block per device; each device keeps its queries and "
                             "passes its keys and values to the next, merging partial softmax results with the "
                             "log-sum-exp rule.")
                              .arg(d.tokens->positions.size()));
}

void RingView::start() {
    const InspectionData& d = inspection_->data();
    if (!d.model || !d.tokens || !d.model->hasVocab) return;
    model::SequenceInput input;
    try {
        input.ids = d.tokens->ids(d.model->vocab);
    } catch (const std::exception& e) {
        summary_->setText(tr("The tokens do not fit the model's vocabulary: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    const auto model = d.model;
    const int layer = layer_->value();
    analysis::RingOptions options;
    options.workers = std::min(devices_->value(), int(input.ids.size()));
    options.overlap = overlap_->isChecked();
    options.linkGBps = link_->value();
    options.causal = model->config.causalAttention;
    run_->setEnabled(false);
    summary_->setText(tr("Running layer %1 on %2 devices…").arg(layer).arg(options.workers));
    jobs_->submit<RingOutcome>(
        "ring",
        [model, input, layer, options](jobs::JobContext& context) {
            model::RunOptions ro;
            ro.captureKeys = ro.captureValues = true;
            ro.captureLayers = {layer};
            ro.cancel = &context.cancelFlag();
            const model::RunResult run = model::runGraphGpt(*model, {input}, ro).front();
            const model::LayerCapture* capture = nullptr;
            for (const auto& c : run.layers)
                if (c.layer == layer) capture = &c;
            if (!capture || capture->values.size() == 0)
                throw std::runtime_error("layer " + std::to_string(layer) + " was skipped in this run");
            context.throwIfCancelled();
            RingOutcome out;
            out.ring = std::make_shared<analysis::RingResult>(analysis::ringAttention(*capture, options));
            const Tensor dense = analysis::denseAttentionOutput(*capture, options.causal);
            for (size_t i = 0; i < dense.size(); ++i)
                out.difference = std::max(out.difference, double(std::abs(dense.data()[i] - out.ring->out.data()[i])));
            out.causal = options.causal;
            return out;
        },
        [this, options, layer](RingOutcome out) {
            run_->setEnabled(true);
            lastDifference_ = out.difference;
            timeline_->setResult(out.ring, out.causal);
            const auto& r = *out.ring;
            int idle = 0;
            for (const auto& e : r.events) idle += e.kind == analysis::RingEvent::Kind::Idle;
            summary_->setText(
                tr("Layer %1, %2 positions on %3 devices (%4): %5 ms, %6 KB of keys and values sent, at most %7 KB on "
                   "a device; %8 of %9 steps idle under the causal mask. max |ring − one-piece attention| = %10.")
                    .arg(layer)
                    .arg(r.positions)
                    .arg(r.workers)
                    .arg(options.overlap ? tr("sends overlapped with compute") : tr("send after compute"))
                    .arg(r.totalMs, 0, 'f', 2)
                    .arg(double(r.bytesSent) / 1024.0, 0, 'f', 1)
                    .arg(double(r.peakBytesPerDevice) / 1024.0, 0, 'f', 1)
                    .arg(idle)
                    .arg(r.workers * r.workers)
                    .arg(out.difference, 0, 'g', 2));
            emit ringReady();
        },
        [this](const std::string& error) {
            run_->setEnabled(true);
            summary_->setText(tr("The ring could not run: %1").arg(QString::fromStdString(error)));
        });
}

QString RingView::summaryText() const { return summary_->text(); }

}  // namespace gts
