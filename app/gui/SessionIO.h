#pragma once
// The main window's state as a session file (*.gtscope, core/store/Session.h) and back.
//
// What a window session holds, under these names of store::Session:
//   graphs[0]            the shown graph as node-link JSON (lossless in the io layer), the path it
//                        was opened from, and editsJson: the undo texts applied since it was
//                        opened ([{"text": ...}], oldest first; the edited graph itself is what
//                        is stored, so the texts are a record, not a replay script)
//   model                the model folder and its fingerprint (store::modelFingerprint)
//   settings.tokenizeOptions  model::tokenizationToJson of the options the tokens were made with
//                        (the token layout included)
//   settings.seed        {"seed": N}: the tokenizer seed
//   settings.tokens      the token strings per position, to check a re-tokenization against
//                        (the same key `gtscope-cli session create` writes)
//   settings.run         {"captureAttention": true, "backend": "cpu"|"gpu"|"auto", "nodeLevel": bool}
//                        (nodeLevel: the model is a node-level one, model/NodeModel.h; then
//                        settings.tokens are the node tokens, analysis::nodeTokenSequence, and
//                        run0 holds its attention over nodes)
//   settings.window      {"label": ..., "state": base64 of QMainWindow::saveState}
//   tensors run0.*       the run (store::putRunResult), so a reopened session shows attention
//                        with no engine run
//   tensors layout.xy    [nodeCount, 2] node positions in layout units; layout method in the view
//   annotations          the Notes dock's notes (widgets/NotesView.h: node, edge, position, head)
//   view                 {"layer", "head", "aggregation": "head"|"mean"|"max", "query",
//                        "threshold", "selected": {"position", "slot", "node", "edge"},
//                        "layoutMethod", "predictionFill": bool (a node classifier's classes
//                        or a node regressor's values fill the nodes; absent = true)}

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <memory>
#include <string>
#include <vector>

#include "Inspection.h"
#include "store/Session.h"
#include "tokenize/TokenSequence.h"

namespace gts {

struct SessionState {
    std::shared_ptr<const Graph> graph;
    QString graphLabel;
    QString graphPath;
    QStringList edits;
    QString modelPath;
    /// The model's fingerprint: computed by toStoredSession when empty and a model path is set.
    std::string modelSha256;
    TokenizeOptions tokenize;
    /// False for a session that names no tokenization options: the model's own then apply
    /// (as `gtscope-cli session create` without options tokenized).
    bool hasTokenizeOptions = false;
    uint64_t seed = 0;
    std::vector<std::vector<std::string>> tokens;
    std::string backend = "cpu";
    /// The run is a node-level model's (tokens = the graph's nodes).
    bool nodeLevel = false;
    std::shared_ptr<const model::RunResult> result;
    std::shared_ptr<const NodeLayout> layout;
    int layer = 0;
    int head = 0;
    analysis::HeadAggregation aggregation = analysis::HeadAggregation::Mean;
    int query = -1;
    float threshold = 0.05f;
    bool predictionFillShown = true;
    Pointed selected;
    QByteArray windowState;
    /// Notes (NotesView) as stored.
    std::vector<store::Annotation> annotations;
};

/// The session to write for `state` (reads the model's files for its fingerprint; safe on a
/// worker thread: it only reads the shared, immutable parts of `state`).
store::Session toStoredSession(const SessionState& state);

/// The window state a session describes. Throws std::invalid_argument naming `fileName` and
/// the part that is wrong (no graph, an unreadable graph, a layout that does not fit the
/// graph, a malformed setting); a session without a cached run gives a null `result`.
SessionState fromStoredSession(const store::Session& session, const std::string& fileName);

}  // namespace gts
