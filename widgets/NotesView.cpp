#include "NotesView.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <nlohmann/json.hpp>

namespace gts {

namespace {

const char* kindName(Note::Kind kind) {
    switch (kind) {
    case Note::Kind::Node: return "node";
    case Note::Kind::Edge: return "edge";
    case Note::Kind::Position: return "position";
    case Note::Kind::Head: return "head";
    }
    return "node";
}

/// A non-negative int field, or nullopt.
std::optional<int> indexField(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return std::nullopt;
    const auto v = it->get<int64_t>();
    if (v < 0 || v > std::numeric_limits<int>::max()) return std::nullopt;
    return int(v);
}

}  // namespace

QString noteTarget(const Note& note) {
    if (note.kind == Note::Kind::Head) return QObject::tr("layer %1 · head %2").arg(note.index).arg(note.head);
    return QStringLiteral("%1 %2").arg(QLatin1String(kindName(note.kind))).arg(note.index);
}

store::Annotation toAnnotation(const Note& note) {
    nlohmann::json target;
    if (note.kind == Note::Kind::Head) target = {{"layer", note.index}, {"head", note.head}};
    else target = {{kindName(note.kind), note.index}};
    return {kindName(note.kind), target.dump(), note.text.toStdString()};
}

std::optional<Note> fromAnnotation(const store::Annotation& a) {
    const nlohmann::json target = nlohmann::json::parse(a.targetJson, nullptr, /*allow_exceptions=*/false);
    if (!target.is_object()) return std::nullopt;
    Note note;
    note.text = QString::fromStdString(a.text);
    if (a.targetKind == "head") {
        const auto layer = indexField(target, "layer"), head = indexField(target, "head");
        if (!layer || !head) return std::nullopt;
        note.kind = Note::Kind::Head;
        note.index = *layer;
        note.head = *head;
        return note;
    }
    for (auto kind : {Note::Kind::Node, Note::Kind::Edge, Note::Kind::Position})
        if (a.targetKind == kindName(kind)) {
            const auto index = indexField(target, kindName(kind));
            if (!index) return std::nullopt;
            note.kind = kind;
            note.index = *index;
            return note;
        }
    return std::nullopt;
}

NotesView::NotesView(Inspection* inspection, QWidget* parent) : QWidget(parent), inspection_(inspection) {
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    add_ = new QPushButton(tr("Add note…"), this);
    add_->setToolTip(tr("Pin a note to the selected node, edge or token, or to the shown layer and head"));
    remove_ = new QPushButton(tr("Delete"), this);
    remove_->setEnabled(false);
    hint_ = new QLabel(this);
    hint_->setForegroundRole(QPalette::PlaceholderText);
    bar->addWidget(add_);
    bar->addWidget(remove_);
    bar->addWidget(hint_, 1);
    layout->addLayout(bar);
    table_ = new QTableWidget(0, 2, this);
    table_->setHorizontalHeaderLabels({tr("Pinned to"), tr("Note")});
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    layout->addWidget(table_, 1);

    connect(add_, &QPushButton::clicked, this, &NotesView::askAndAdd);
    connect(remove_, &QPushButton::clicked, this, [this] { removeNote(table_->currentRow()); });
    connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) { remove_->setEnabled(row >= 0); });
    // A click on a note shows its target (adding or deleting one leaves the selection alone).
    connect(table_, &QTableWidget::cellClicked, this, [this](int row) { showTarget(row); });
    // The note's text is edited in place (double-click); the target column is read-only.
    connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (rebuilding_ || item->column() != 1 || item->row() < 0 || size_t(item->row()) >= notes_.size()) return;
        notes_[size_t(item->row())].text = item->text();
        emit notesChanged();
    });
    auto updateHint = [this] { hint_->setText(tr("pins to %1").arg(noteTarget(noteForSelection()))); };
    connect(inspection_, &Inspection::selectionChanged, this, updateHint);
    connect(inspection_, &Inspection::dataChanged, this, [this, updateHint] {
        // Notes whose target the new graph or tokens no longer have are kept (an undo may bring
        // it back) but greyed.
        rebuild();
        updateHint();
    });
    updateHint();
}

void NotesView::setNotes(std::vector<Note> notes) {
    notes_ = std::move(notes);
    rebuild();
    emit notesChanged();
}

void NotesView::addNote(Note note) {
    notes_.push_back(std::move(note));
    rebuild();
    table_->setCurrentCell(int(notes_.size()) - 1, 1);
    emit notesChanged();
}

void NotesView::removeNote(int row) {
    if (row < 0 || size_t(row) >= notes_.size()) return;
    notes_.erase(notes_.begin() + row);
    rebuild();
    emit notesChanged();
}

Note NotesView::noteForSelection() const {
    const Pointed& s = inspection_->selected();
    Note note;
    if (s.node != kNoIndex) {
        note.kind = Note::Kind::Node;
        note.index = int(s.node);
    } else if (s.edge != kNoIndex) {
        note.kind = Note::Kind::Edge;
        note.index = int(s.edge);
    } else if (s.position >= 0) {
        note.kind = Note::Kind::Position;
        note.index = s.position;
    } else {
        note.kind = Note::Kind::Head;
        note.index = inspection_->layer();
        note.head = inspection_->head();
    }
    return note;
}

void NotesView::showTarget(int row) {
    if (row < 0 || size_t(row) >= notes_.size()) return;
    const Note& n = notes_[size_t(row)];
    const InspectionData& d = inspection_->data();
    Pointed p;
    switch (n.kind) {
    case Note::Kind::Node:
        if (!d.graph || size_t(n.index) >= d.graph->nodeCount()) return;
        p.node = NodeId(n.index);
        break;
    case Note::Kind::Edge:
        if (!d.graph || size_t(n.index) >= d.graph->edgeCount()) return;
        p.edge = EdgeId(n.index);
        break;
    case Note::Kind::Position:
        if (!d.tokens || size_t(n.index) >= d.tokens->positions.size()) return;
        p.position = n.index;
        break;
    case Note::Kind::Head:
        inspection_->setAggregation(analysis::HeadAggregation::Single);
        inspection_->setLayerHead(n.index, n.head);
        return;
    }
    inspection_->setSelected(p);
}

void NotesView::askAndAdd() {
    Note note = noteForSelection();
    bool ok = false;
    const QString text = QInputDialog::getMultiLineText(this, tr("Add note"), tr("Note on %1:").arg(noteTarget(note)),
                                                        QString(), &ok);
    if (!ok || text.trimmed().isEmpty()) return;
    note.text = text.trimmed();
    addNote(std::move(note));
}

void NotesView::rebuild() {
    rebuilding_ = true;
    const InspectionData& d = inspection_->data();
    table_->setRowCount(int(notes_.size()));
    for (size_t i = 0; i < notes_.size(); ++i) {
        const Note& n = notes_[i];
        bool present = true;
        if (n.kind == Note::Kind::Node) present = d.graph && size_t(n.index) < d.graph->nodeCount();
        if (n.kind == Note::Kind::Edge) present = d.graph && size_t(n.index) < d.graph->edgeCount();
        if (n.kind == Note::Kind::Position) present = d.tokens && size_t(n.index) < d.tokens->positions.size();
        if (n.kind == Note::Kind::Head)
            present = d.result && size_t(n.index) < d.result->layers.size() &&
                      n.head < int(d.result->layers[size_t(n.index)].attention.rank() == 3
                                       ? d.result->layers[size_t(n.index)].attention.dim(0)
                                       : std::numeric_limits<int>::max());
        auto* target = new QTableWidgetItem(noteTarget(n));
        target->setFlags(target->flags() & ~Qt::ItemIsEditable);
        if (!present) {
            target->setForeground(palette().color(QPalette::PlaceholderText));
            target->setToolTip(tr("Not in the current graph or run"));
        }
        table_->setItem(int(i), 0, target);
        table_->setItem(int(i), 1, new QTableWidgetItem(n.text));
    }
    table_->resizeColumnToContents(0);
    rebuilding_ = false;
}

}  // namespace gts
