#include "TokenTableView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gts {

namespace {

/// Cell colours by token role: light tints that keep black text readable.
QColor roleColor(TokenRole role) {
    switch (role) {
        case TokenRole::NodeIndex: return QColor(0xC6, 0xDB, 0xEF);
        case TokenRole::NodeAttr: return QColor(0xE5, 0xEE, 0xF7);
        case TokenRole::EdgeType: return QColor(0xFD, 0xD0, 0xA2);
        case TokenRole::EdgeAttr: return QColor(0xFE, 0xE6, 0xCE);
        case TokenRole::NewNode:
        case TokenRole::Eos: return QColor(0xDA, 0xDA, 0xDA);
    }
    return Qt::white;
}

QString describe(const Graph& g, const TokenSequence& seq, const TokenSource& t) {
    auto node = [&](NodeId v) { return QString::fromStdString(g.nodeKey(v)); };
    auto origin = [&](const TokenSource& s) -> QString {
        switch (s.edgeOrigin) {
            case EdgeOrigin::None: return QObject::tr("no edge (first position)");
            case EdgeOrigin::Original: return QObject::tr("edge %1").arg(s.edge);
            case EdgeOrigin::EulerizationCopy:
                return QObject::tr("edge %1, walked again (added by eulerization)").arg(s.edge);
            case EdgeOrigin::Jump: return QObject::tr("jump between components");
        }
        return {};
    };
    switch (t.role) {
        case TokenRole::NodeIndex:
            return QObject::tr("index of node %1 (visit %2)").arg(node(t.node)).arg(t.occurrence + 1);
        case TokenRole::NodeAttr:
            return QObject::tr("node %1, %2[%3]%4")
                .arg(node(t.node), QString::fromStdString(seq.nodeColumns.at(t.column).name))
                .arg(t.col)
                .arg(t.isDefault ? QObject::tr(" (no value)") : QString());
        case TokenRole::EdgeType: return QObject::tr("edge type: %1").arg(origin(t));
        case TokenRole::EdgeAttr:
            return QObject::tr("%1, %2[%3]%4")
                .arg(origin(t), QString::fromStdString(seq.edgeColumns.at(t.column).name))
                .arg(t.col)
                .arg(t.isDefault ? QObject::tr(" (no value)") : QString());
        case TokenRole::NewNode: return QObject::tr("<new>: an edge position");
        case TokenRole::Eos: return QObject::tr("end of sequence");
    }
    return {};
}

}  // namespace

TokenTableView::TokenTableView(QWidget* parent) : QWidget(parent) {
    auto* bar = new QHBoxLayout;
    layout_ = new QComboBox(this);
    for (TokenLayout l : {TokenLayout::Stacked, TokenLayout::StackedLong, TokenLayout::Flat})
        layout_->addItem(QString::fromLatin1(tokenLayoutName(l)), int(l));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1'000'000);
    seed_->setPrefix(tr("seed "));
    seed_->setToolTip(tr("The seed picks the start node, path or circuit, and the re-indexing."));
    summary_ = new QLabel(this);
    bar->addWidget(new QLabel(tr("Layout"), this));
    bar->addWidget(layout_);
    bar->addWidget(seed_);
    bar->addWidget(summary_, 1);
    table_ = new QTableWidget(this);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setDefaultSectionSize(20);
    table_->horizontalHeader()->setDefaultSectionSize(150);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(4, 4, 4, 4);
    box->addLayout(bar);
    box->addWidget(table_);
    connect(layout_, &QComboBox::currentIndexChanged, this, [this] { retokenize(); });
    connect(seed_, &QSpinBox::valueChanged, this, [this] { retokenize(); });
}

void TokenTableView::setGraph(const Graph* graph) {
    graph_ = graph;
    retokenize();
}

void TokenTableView::setBaseOptions(const TokenizeOptions& options) {
    base_ = options;
    const int index = layout_->findData(int(options.layout));
    if (index != layout_->currentIndex()) {
        const QSignalBlocker block(layout_);
        layout_->setCurrentIndex(index);
    }
    retokenize();
}

void TokenTableView::retokenize() {
    table_->clear();
    table_->setRowCount(0);
    table_->setColumnCount(0);
    sequence_.reset();
    error_.clear();
    if (!graph_) {
        summary_->clear();
        emit sequenceChanged();
        return;
    }
    TokenizeOptions options = base_;
    options.layout = TokenLayout(layout_->currentData().toInt());
    try {
        sequence_ = tokenize(*graph_, options, uint64_t(seed_->value()));
    } catch (const std::exception& e) {
        error_ = QString::fromStdString(e.what());
        summary_->setText(tr("cannot tokenize: %1").arg(error_));
        emit sequenceChanged();
        return;
    }
    const TokenSequence& seq = *sequence_;
    int width = 0;
    for (const auto& p : seq.positions) width = std::max(width, int(p.size()));
    table_->setRowCount(int(seq.positions.size()));
    table_->setColumnCount(width);
    // Positions and slots count from 0, as in gtscope-cli tokenize and the model's inputs.
    QStringList rows, slotLabels;
    for (int r = 0; r < int(seq.positions.size()); ++r) rows << QString::number(r);
    for (int c = 0; c < width; ++c) slotLabels << QString::number(c);
    table_->setVerticalHeaderLabels(rows);
    table_->setHorizontalHeaderLabels(slotLabels);
    for (int r = 0; r < int(seq.positions.size()); ++r) {
        for (int c = 0; c < int(seq.positions[r].size()); ++c) {
            auto* item = new QTableWidgetItem(QString::fromStdString(seq.positions[r][c]));
            const TokenSource& src = seq.sources[r][c];
            item->setBackground(roleColor(src.role));
            item->setForeground(Qt::black);
            item->setToolTip(describe(*graph_, seq, src));
            table_->setItem(r, c, item);
        }
    }
    summary_->setText(tr("%1 positions, %2 tokens, %3 component(s), %4 edge(s) added by eulerization")
                          .arg(seq.positions.size())
                          .arg(seq.tokenCount())
                          .arg(seq.componentCount)
                          .arg(seq.eulerizedEdgeCount));
    emit sequenceChanged();
}

}  // namespace gts
