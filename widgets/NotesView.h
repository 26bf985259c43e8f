#pragma once
// Notes pinned to what a user looks at: a node, an edge, a token position, or a layer/head.
// A lecture or a paper draft keeps its observations beside the graph ("head 2.1 attends to the
// ring closure"); they are saved in the session (store::Annotation) and node notes are drawn on
// the canvas beside their node.

#include <QString>
#include <QWidget>
#include <optional>
#include <vector>

#include "Inspection.h"
#include "store/Session.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace gts {

struct Note {
    enum class Kind { Node, Edge, Position, Head };
    Kind kind = Kind::Node;
    int index = 0;  ///< node, edge or position; the layer for Head
    int head = 0;   ///< Head only
    QString text;
    bool operator==(const Note&) const = default;
};

/// "node 3", "edge 5", "position 7", "layer 2 · head 1".
QString noteTarget(const Note& note);
/// As store::Annotation: targetKind node|edge|position|head, targetJson {"node": 3} … or
/// {"layer": 2, "head": 1}.
store::Annotation toAnnotation(const Note& note);
/// The note an annotation describes; nullopt for a kind or coordinates this version does not
/// know (they are left out, not guessed).
std::optional<Note> fromAnnotation(const store::Annotation& annotation);

class NotesView : public QWidget {
    Q_OBJECT
public:
    explicit NotesView(Inspection* inspection, QWidget* parent = nullptr);

    const std::vector<Note>& notes() const { return notes_; }
    void setNotes(std::vector<Note> notes);
    void addNote(Note note);
    void removeNote(int row);
    /// The note the current selection would take: the selected node, else edge, else
    /// position; with nothing selected, the shown layer and head.
    Note noteForSelection() const;
    /// Selects the note's target in the linked views (a node, edge or position; a head shows
    /// that layer and head alone).
    void showTarget(int row);
    QTableWidget* table() const { return table_; }

signals:
    void notesChanged();

private:
    void rebuild();
    void askAndAdd();

    Inspection* inspection_;
    std::vector<Note> notes_;
    QTableWidget* table_ = nullptr;
    QPushButton* add_ = nullptr;
    QPushButton* remove_ = nullptr;
    QLabel* hint_ = nullptr;
    bool rebuilding_ = false;
};

}  // namespace gts
