#pragma once
// A GTScope session file (*.gtscope): one SQLite database holding the graphs with their edit
// history, the model reference, tokenization/run settings, cached run tensors, metrics,
// annotations and the app's view state. Schema versioned by PRAGMA user_version; every save is
// one transaction in WAL mode, so a save killed at any point leaves the old or the new state.
//
// Schema (version 2):
//   meta(key TEXT PRIMARY KEY, value TEXT)                   -- "writer" etc.
//   graphs(id INTEGER PRIMARY KEY, name, source_path, format, text, edits_json)
//   model(id INTEGER PRIMARY KEY CHECK(id = 1), path, sha256)
//   settings(key TEXT PRIMARY KEY, json TEXT)                -- "tokenize", "run", ...
//   tensors(name TEXT PRIMARY KEY, dtype TEXT, shape_json TEXT, data BLOB)  -- little-endian
//   metrics(name TEXT PRIMARY KEY, json TEXT)
//   view(id INTEGER PRIMARY KEY CHECK(id = 1), json TEXT)
//   annotations(id INTEGER PRIMARY KEY, target_kind, target_json, text)    -- added in v2
// Version 1 lacked `annotations`; opening a v1 file migrates it in place (one transaction).

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tensor/Tensor.h"

namespace gts::store {

constexpr int kSchemaVersion = 2;

/// Raised when a file is not a readable session (garbage, truncated, from a newer version);
/// the message names the file and what is wrong.
class SessionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct StoredGraph {
    std::string name;
    std::string sourcePath;  ///< where it was opened from ("" when made in the app)
    std::string format;      ///< the io format of `text` (e.g. "json" node-link, "graphml")
    std::string text;        ///< the graph, losslessly, as the io layer writes it
    std::string editsJson = "[]";  ///< the edit history (JSON array) for rebuilding undo
};

struct ModelReference {
    std::string path;
    std::string sha256;  ///< modelFingerprint() at save time; "" when not known
};

/// A note pinned to a node, edge, token position or layer/head. targetKind is one of "node",
/// "edge", "position", "head"; targetJson holds its coordinates (e.g. {"layer":2,"head":5}).
struct Annotation {
    std::string targetKind;
    std::string targetJson;
    std::string text;
    bool operator==(const Annotation&) const = default;
};

struct Session {
    std::vector<StoredGraph> graphs;
    ModelReference model;
    std::map<std::string, std::string> settings;  ///< name -> JSON
    std::map<std::string, Tensor> tensors;        ///< e.g. "logits", "layer3.attention"
    std::map<std::string, std::string> metrics;   ///< name -> JSON
    std::vector<Annotation> annotations;
    std::string viewJson = "{}";  ///< opaque app view state
};

/// What opening found besides the session: problems that did not stop the rest from opening.
struct OpenReport {
    int fileVersion = 0;      ///< user_version before any migration
    bool migrated = false;
    std::vector<std::string> warnings;  ///< e.g. model changed/missing, an unreadable tensor
};

/// Writes the whole session to `path` in one transaction (creating the file and schema when
/// new). Throws SessionError naming the file on failure; the file then keeps its old state.
void saveSession(const std::filesystem::path& path, const Session& session);

/// Opens a session. An older schema is migrated in place when `migrateInPlace`, else migrated
/// inside a transaction that is rolled back after reading (the file is left as it was). The model reference is checked: a missing model or
/// one whose fingerprint differs gives a warning, and the rest still opens. A tensor whose
/// shape × dtype size disagrees with its blob is skipped with a warning (never allocated from
/// the header). Throws SessionError for a file that is not a session, is corrupt, or is newer
/// than kSchemaVersion.
Session openSession(const std::filesystem::path& path, OpenReport* report = nullptr,
                    bool migrateInPlace = true);

/// The SQLite integrity check plus a full open (read-only: no migration is kept); returns the
/// problems found (empty = healthy).
std::vector<std::string> checkSession(const std::filesystem::path& path);

/// Autosave design: the app saves to a sibling "<name>.gtscope.autosave" (never the user's file,
/// which changes only on an explicit save), at most once per `interval` and only when dirty.
/// On open the app offers the autosave when it is newer than the session.
std::filesystem::path autosavePath(const std::filesystem::path& sessionPath);

class AutosaveThrottle {
public:
    explicit AutosaveThrottle(double intervalSeconds) : interval_(intervalSeconds) {}
    void markDirty() { dirty_ = true; }
    /// True (and the state becomes clean, the clock restarts) when dirty and at least the
    /// interval has passed since the last autosave; `nowSeconds` is any monotonic clock.
    bool due(double nowSeconds);

private:
    double interval_;
    double last_ = -1e300;
    bool dirty_ = false;
};

}  // namespace gts::store
