#include "store/Session.h"

#include <cstring>
#include <memory>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "store/Sha256.h"

namespace gts::store {
namespace {

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

struct StmtFinalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

[[noreturn]] void fail(const std::filesystem::path& path, sqlite3* db, const std::string& what) {
    std::string msg = path.string() + ": " + what;
    if (db) msg += ": " + std::string(sqlite3_errmsg(db));
    throw SessionError(msg);
}

void exec(const std::filesystem::path& path, sqlite3* db, const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw SessionError(path.string() + ": " + msg + " (in: " + std::string(sql).substr(0, 60) +
                           ")");
    }
}

Stmt prepare(const std::filesystem::path& path, sqlite3* db, const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) fail(path, db, "prepare");
    return Stmt(s);
}

void bindText(sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

void step(const std::filesystem::path& path, sqlite3* db, sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) fail(path, db, "write");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
}

std::string columnText(sqlite3_stmt* s, int i) {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

Db openDb(const std::filesystem::path& path, bool create) {
    sqlite3* raw = nullptr;
    int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READWRITE;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Db db(raw);
    if (rc != SQLITE_OK) fail(path, raw, create ? "cannot create session" : "cannot open session");
    sqlite3_busy_timeout(raw, 5000);
    return db;
}

int userVersion(const std::filesystem::path& path, sqlite3* db) {
    Stmt s = prepare(path, db, "PRAGMA user_version");
    if (sqlite3_step(s.get()) != SQLITE_ROW) fail(path, db, "not a session file");
    return sqlite3_column_int(s.get(), 0);
}

// Version 1 tables, kept verbatim so that migrations start from what v1 files hold.
constexpr const char* kSchemaV1 =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE graphs(id INTEGER PRIMARY KEY, name TEXT, source_path TEXT, format TEXT,"
    " text TEXT, edits_json TEXT);"
    "CREATE TABLE model(id INTEGER PRIMARY KEY CHECK(id = 1), path TEXT, sha256 TEXT);"
    "CREATE TABLE settings(key TEXT PRIMARY KEY, json TEXT);"
    "CREATE TABLE tensors(name TEXT PRIMARY KEY, dtype TEXT, shape_json TEXT, data BLOB);"
    "CREATE TABLE metrics(name TEXT PRIMARY KEY, json TEXT);"
    "CREATE TABLE view(id INTEGER PRIMARY KEY CHECK(id = 1), json TEXT);";

// migrations[v] takes a version-v file to version v + 1.
constexpr const char* kMigrations[] = {
    /* 0 -> 1 */ kSchemaV1,
    /* 1 -> 2 */
    "CREATE TABLE annotations(id INTEGER PRIMARY KEY, target_kind TEXT, target_json TEXT,"
    " text TEXT);",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

/// Brings the schema to kSchemaVersion in one transaction; returns the version found. With
/// `leaveOpen` the transaction is left open for the caller to commit or roll back.
int migrate(const std::filesystem::path& path, sqlite3* db, bool leaveOpen = false) {
    exec(path, db, "BEGIN IMMEDIATE");
    try {
        int version = userVersion(path, db);
        if (version > kSchemaVersion)
            throw SessionError(path.string() + ": session schema version " +
                               std::to_string(version) + " is newer than this GTScope reads (" +
                               std::to_string(kSchemaVersion) + "); open it with a newer version");
        if (version < 0) throw SessionError(path.string() + ": bad schema version");
        for (int v = version; v < kSchemaVersion; ++v) exec(path, db, kMigrations[v]);
        if (version != kSchemaVersion)
            exec(path, db,
                 ("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
        if (!leaveOpen) exec(path, db, "COMMIT");
        return version;
    } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

bool hasTable(const std::filesystem::path& path, sqlite3* db, const char* name) {
    Stmt s = prepare(path, db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    sqlite3_bind_text(s.get(), 1, name, -1, SQLITE_STATIC);
    return sqlite3_step(s.get()) == SQLITE_ROW;
}

/// A tensor from a stored row: shape × dtype size must equal the blob length before anything is
/// allocated. Throws std::invalid_argument describing the mismatch.
Tensor decodeTensor(const std::string& dtypeText, const std::string& shapeJson, const void* blob,
                    size_t blobBytes) {
    auto dtype = parseDType(dtypeText);
    if (!dtype) throw std::invalid_argument("unknown dtype \"" + dtypeText + "\"");
    auto j = nlohmann::json::parse(shapeJson, nullptr, false);
    if (!j.is_array()) throw std::invalid_argument("shape is not a JSON array");
    Tensor::Shape shape;
    for (const auto& d : j) {
        if (!d.is_number_integer()) throw std::invalid_argument("shape has a non-integer entry");
        shape.push_back(d.get<int64_t>());
    }
    size_t count = Tensor::elementCount(shape);  // throws on negative/overflow/rank
    size_t size = dtypeSize(*dtype);
    if (count != 0 && size > SIZE_MAX / count)
        throw std::invalid_argument("shape × dtype overflows");
    if (count * size != blobBytes)
        throw std::invalid_argument("shape " + shapeJson + " × " + dtypeText + " needs " +
                                    std::to_string(count * size) + " bytes, blob has " +
                                    std::to_string(blobBytes) + " bytes");
    std::vector<float> values(count);
    if (count > 0) convertToF32(*dtype, blob, count, values.data());
    Tensor t(shape, std::move(values));
    t.setSourceDType(*dtype);
    return t;
}

}  // namespace

void saveSession(const std::filesystem::path& path, const Session& session) {
    Db db = openDb(path, true);
    sqlite3* d = db.get();
    exec(path, d, "PRAGMA journal_mode = WAL");
    exec(path, d, "PRAGMA synchronous = FULL");
    migrate(path, d);
    exec(path, d, "BEGIN IMMEDIATE");
    try {
        for (const char* table :
             {"meta", "graphs", "model", "settings", "tensors", "metrics", "view", "annotations"})
            exec(path, d, ("DELETE FROM " + std::string(table)).c_str());
        exec(path, d, "INSERT INTO meta VALUES('writer', 'GTScope')");
        {
            Stmt s = prepare(path, d,
                             "INSERT INTO graphs(id, name, source_path, format, text, edits_json)"
                             " VALUES(?, ?, ?, ?, ?, ?)");
            int id = 0;
            for (const auto& g : session.graphs) {
                sqlite3_bind_int(s.get(), 1, id++);
                bindText(s.get(), 2, g.name);
                bindText(s.get(), 3, g.sourcePath);
                bindText(s.get(), 4, g.format);
                bindText(s.get(), 5, g.text);
                bindText(s.get(), 6, g.editsJson);
                step(path, d, s.get());
            }
        }
        {
            Stmt s = prepare(path, d, "INSERT INTO model(id, path, sha256) VALUES(1, ?, ?)");
            bindText(s.get(), 1, session.model.path);
            bindText(s.get(), 2, session.model.sha256);
            step(path, d, s.get());
        }
        for (auto [table, values] : {std::pair{"settings", &session.settings},
                                     std::pair{"metrics", &session.metrics}}) {
            Stmt s = prepare(path, d,
                             ("INSERT INTO " + std::string(table) + " VALUES(?, ?)").c_str());
            for (const auto& [k, v] : *values) {
                bindText(s.get(), 1, k);
                bindText(s.get(), 2, v);
                step(path, d, s.get());
            }
        }
        {
            Stmt s = prepare(path, d, "INSERT INTO tensors VALUES(?, 'F32', ?, ?)");
            for (const auto& [name, t] : session.tensors) {
                bindText(s.get(), 1, name);
                bindText(s.get(), 2, nlohmann::json(t.shape()).dump());
                // f32 little-endian (this build's hosts are little-endian, as safetensors).
                sqlite3_bind_blob64(s.get(), 3, t.size() ? t.data() : nullptr,
                                    t.size() * sizeof(float), SQLITE_STATIC);
                if (t.size() == 0) sqlite3_bind_zeroblob(s.get(), 3, 0);
                step(path, d, s.get());
            }
        }
        {
            Stmt s = prepare(path, d, "INSERT INTO view(id, json) VALUES(1, ?)");
            bindText(s.get(), 1, session.viewJson);
            step(path, d, s.get());
        }
        {
            Stmt s = prepare(path, d,
                             "INSERT INTO annotations(target_kind, target_json, text)"
                             " VALUES(?, ?, ?)");
            for (const auto& a : session.annotations) {
                bindText(s.get(), 1, a.targetKind);
                bindText(s.get(), 2, a.targetJson);
                bindText(s.get(), 3, a.text);
                step(path, d, s.get());
            }
        }
        exec(path, d, "COMMIT");
    } catch (...) {
        sqlite3_exec(d, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

Session openSession(const std::filesystem::path& path, OpenReport* report, bool migrateInPlace) {
    OpenReport local;
    OpenReport& rep = report ? *report : local;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw SessionError(path.string() + ": session file not found");
    Db db = openDb(path, false);
    sqlite3* d = db.get();
    // Reading the header validates the file: garbage gives "file is not a database".
    {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(d, "PRAGMA user_version", -1, &raw, nullptr) != SQLITE_OK)
            fail(path, d, "not a GTScope session (not an SQLite database)");
        Stmt s(raw);
        if (sqlite3_step(s.get()) != SQLITE_ROW)
            fail(path, d, "not a GTScope session (not an SQLite database)");
    }
    if (!hasTable(path, d, "graphs") && userVersion(path, d) == 0)
        throw SessionError(path.string() + ": an SQLite database but not a GTScope session");
    // Migration and reading share one transaction: one consistent snapshot, and a migration
    // that is not to be kept is rolled back with it.
    rep.fileVersion = migrate(path, d, /*leaveOpen=*/true);
    rep.migrated = rep.fileVersion != kSchemaVersion;

    Session out;
    try {
    {
        Stmt s = prepare(path, d,
                         "SELECT name, source_path, format, text, edits_json FROM graphs ORDER BY"
                         " id");
        while (sqlite3_step(s.get()) == SQLITE_ROW)
            out.graphs.push_back({columnText(s.get(), 0), columnText(s.get(), 1),
                                  columnText(s.get(), 2), columnText(s.get(), 3),
                                  columnText(s.get(), 4)});
    }
    {
        Stmt s = prepare(path, d, "SELECT path, sha256 FROM model WHERE id = 1");
        if (sqlite3_step(s.get()) == SQLITE_ROW)
            out.model = {columnText(s.get(), 0), columnText(s.get(), 1)};
    }
    for (auto [table, values] :
         {std::pair{"settings", &out.settings}, std::pair{"metrics", &out.metrics}}) {
        Stmt s = prepare(path, d, ("SELECT * FROM " + std::string(table)).c_str());
        while (sqlite3_step(s.get()) == SQLITE_ROW)
            (*values)[columnText(s.get(), 0)] = columnText(s.get(), 1);
    }
    {
        Stmt s = prepare(path, d, "SELECT name, dtype, shape_json, data FROM tensors");
        while (sqlite3_step(s.get()) == SQLITE_ROW) {
            std::string name = columnText(s.get(), 0);
            const void* blob = sqlite3_column_blob(s.get(), 3);
            auto bytes = static_cast<size_t>(sqlite3_column_bytes(s.get(), 3));
            try {
                out.tensors[name] =
                    decodeTensor(columnText(s.get(), 1), columnText(s.get(), 2), blob, bytes);
            } catch (const std::exception& e) {
                rep.warnings.push_back(path.string() + ": cached tensor \"" + name +
                                       "\" skipped: " + e.what());
            }
        }
    }
    {
        Stmt s = prepare(path, d, "SELECT json FROM view WHERE id = 1");
        if (sqlite3_step(s.get()) == SQLITE_ROW) out.viewJson = columnText(s.get(), 0);
    }
    {
        Stmt s = prepare(path, d,
                         "SELECT target_kind, target_json, text FROM annotations ORDER BY id");
        while (sqlite3_step(s.get()) == SQLITE_ROW)
            out.annotations.push_back(
                {columnText(s.get(), 0), columnText(s.get(), 1), columnText(s.get(), 2)});
    }
    } catch (...) {
        sqlite3_exec(d, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    if (sqlite3_exec(d, migrateInPlace ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr) !=
        SQLITE_OK)
        fail(path, d, "read");

    if (!out.model.path.empty()) {
        std::error_code mec;
        if (!std::filesystem::exists(out.model.path, mec)) {
            rep.warnings.push_back(path.string() + ": model " + out.model.path +
                                   " is missing; cached results still open, re-running needs it");
        } else if (!out.model.sha256.empty()) {
            try {
                if (modelFingerprint(out.model.path) != out.model.sha256)
                    rep.warnings.push_back(path.string() + ": model " + out.model.path +
                                           " changed since the session was saved (SHA-256 "
                                           "differs); cached results are from the old model");
            } catch (const std::exception& e) {
                rep.warnings.push_back(path.string() + ": model check failed: " + e.what());
            }
        }
    }
    return out;
}

std::vector<std::string> checkSession(const std::filesystem::path& path) {
    std::vector<std::string> problems;
    try {
        {
            Db db = openDb(path, false);
            sqlite3_stmt* raw = nullptr;
            if (sqlite3_prepare_v2(db.get(), "PRAGMA integrity_check", -1, &raw, nullptr) !=
                SQLITE_OK) {
                problems.push_back(path.string() + ": " + sqlite3_errmsg(db.get()));
                return problems;
            }
            Stmt s(raw);
            int rc;
            while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
                std::string line = columnText(s.get(), 0);
                if (line != "ok") problems.push_back(path.string() + ": " + line);
            }
            if (rc != SQLITE_DONE) problems.push_back(path.string() + ": " + sqlite3_errmsg(db.get()));
        }
        if (!problems.empty()) return problems;
        OpenReport rep;
        openSession(path, &rep, /*migrateInPlace=*/false);
        problems.insert(problems.end(), rep.warnings.begin(), rep.warnings.end());
    } catch (const std::exception& e) {
        problems.push_back(e.what());
    }
    return problems;
}

std::filesystem::path autosavePath(const std::filesystem::path& sessionPath) {
    auto p = sessionPath;
    p += ".autosave";
    return p;
}

bool AutosaveThrottle::due(double nowSeconds) {
    if (!dirty_ || nowSeconds - last_ < interval_) return false;
    dirty_ = false;
    last_ = nowSeconds;
    return true;
}

}  // namespace gts::store
