#include "checkpoint/TorchCheckpoint.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "checkpoint/ZipArchive.h"
#include "io/GraphIO.h"

namespace gts::checkpoint {

using io::ParseError;

namespace {

struct Value;
using Ptr = std::shared_ptr<Value>;

struct Value {
    enum class Kind { None, Bool, Int, Float, Str, Tuple, List, Dict, Global, Storage, Tensor, Mark };
    Kind kind = Kind::None;
    int64_t i = 0;
    double f = 0;
    std::string s;  // Str; Global: "module.name"; Storage: the key
    std::vector<Ptr> items;                    // Tuple, List
    std::vector<std::pair<Ptr, Ptr>> entries;  // Dict, in insertion order
    DType dtype = DType::F32;                  // Storage
    uint64_t numel = 0;                        // Storage
    Tensor tensor;
    int depth = 0;           // nesting depth of containers below this value
    bool contained = false;  // already placed in a tuple, list or dict
};

// Values nest at most this deep. Bounds the recursion of freeing nested values; state dicts
// nest two or three levels.
constexpr int kMaxNesting = 100;

Ptr make(Value::Kind k) {
    auto v = std::make_shared<Value>();
    v->kind = k;
    return v;
}

const char* kindName(Value::Kind k) {
    switch (k) {
    case Value::Kind::None: return "None";
    case Value::Kind::Bool: return "bool";
    case Value::Kind::Int: return "int";
    case Value::Kind::Float: return "float";
    case Value::Kind::Str: return "str";
    case Value::Kind::Tuple: return "tuple";
    case Value::Kind::List: return "list";
    case Value::Kind::Dict: return "dict";
    case Value::Kind::Global: return "global";
    case Value::Kind::Storage: return "storage";
    case Value::Kind::Tensor: return "tensor";
    case Value::Kind::Mark: return "mark";
    }
    return "?";
}

// torch.<Name>Storage → the element type of its bytes.
const std::unordered_map<std::string, DType>& storageTypes() {
    static const std::unordered_map<std::string, DType> types = {
        {"torch.FloatStorage", DType::F32},  {"torch.HalfStorage", DType::F16},
        {"torch.BFloat16Storage", DType::BF16}, {"torch.DoubleStorage", DType::F64},
        {"torch.LongStorage", DType::I64},   {"torch.IntStorage", DType::I32},
        {"torch.ShortStorage", DType::I16},  {"torch.CharStorage", DType::I8},
        {"torch.ByteStorage", DType::U8},    {"torch.BoolStorage", DType::BOOL},
    };
    return types;
}

constexpr const char* kOrderedDict = "collections.OrderedDict";
constexpr const char* kRebuildTensor = "torch._utils._rebuild_tensor_v2";
constexpr const char* kRebuildParameter = "torch._utils._rebuild_parameter";

class Unpickler {
public:
    Unpickler(std::string_view pickle, const ZipArchive& zip, std::string dataPrefix,
              std::string source)
        : p_(pickle), zip_(zip), dataPrefix_(std::move(dataPrefix)), source_(std::move(source)) {}

    Ptr run() {
        while (true) {
            const size_t at = pos_;
            const uint8_t op = u8();
            if (op == '.') {
                if (stack_.size() != 1) fail(at, "STOP with " + std::to_string(stack_.size()) +
                                                     " values on the stack");
                return stack_.back();
            }
            step(op, at);
        }
    }

private:
    std::string_view p_;
    const ZipArchive& zip_;
    std::string dataPrefix_;
    std::string source_;
    size_t pos_ = 0;
    std::vector<Ptr> stack_;
    std::unordered_map<uint32_t, Ptr> memo_;
    std::unordered_map<std::string, std::shared_ptr<const std::string>> blobs_;

    [[noreturn]] void fail(size_t at, const std::string& what) const {
        throw ParseError(source_, 0, "data.pkl at byte " + std::to_string(at) + ": " + what);
    }
    std::string_view take(size_t n) {
        if (p_.size() - pos_ < n) fail(pos_, "pickle truncated");
        const auto s = p_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    uint64_t le(int n) {
        const auto s = take(size_t(n));
        uint64_t v = 0;
        for (int k = n - 1; k >= 0; --k) v = (v << 8) | uint8_t(s[size_t(k)]);
        return v;
    }
    uint8_t u8() { return uint8_t(le(1)); }
    std::string line() {
        const size_t end = p_.find('\n', pos_);
        if (end == std::string_view::npos) fail(pos_, "pickle truncated in a GLOBAL name");
        std::string s(p_.substr(pos_, end - pos_));
        pos_ = end + 1;
        return s;
    }
    Ptr pop(size_t at) {
        if (stack_.empty() || stack_.back()->kind == Value::Kind::Mark) fail(at, "stack underflow");
        Ptr v = stack_.back();
        stack_.pop_back();
        return v;
    }
    Ptr& top(size_t at) {
        if (stack_.empty() || stack_.back()->kind == Value::Kind::Mark) fail(at, "stack underflow");
        return stack_.back();
    }
    // The values above the topmost MARK, removing them and the mark.
    std::vector<Ptr> popToMark(size_t at) {
        size_t m = stack_.size();
        while (m > 0 && stack_[m - 1]->kind != Value::Kind::Mark) --m;
        if (m == 0) fail(at, "no MARK on the stack");
        std::vector<Ptr> out(stack_.begin() + ptrdiff_t(m), stack_.end());
        stack_.resize(m - 1);
        return out;
    }
    void push(Ptr v) { stack_.push_back(std::move(v)); }
    Ptr intValue(int64_t v) {
        auto p = make(Value::Kind::Int);
        p->i = v;
        return p;
    }
    Ptr str(std::string_view s) {
        auto p = make(Value::Kind::Str);
        p->s.assign(s);
        return p;
    }
    Ptr tuple(std::vector<Ptr> items, size_t at) {
        auto p = make(Value::Kind::Tuple);
        for (const auto& x : items) adopt(*p, x, at);
        p->items = std::move(items);
        return p;
    }
    // Records that `child` goes into `container`. A container may not change once nested in
    // another (torch fills each dict before placing it), so depths stay exact and no value can
    // come to contain itself.
    void adopt(Value& container, const Ptr& child, size_t at) {
        if (child.get() == &container) fail(at, "a container cannot contain itself");
        if (child->depth + 1 > kMaxNesting)
            fail(at, "values nest deeper than " + std::to_string(kMaxNesting) + " levels");
        container.depth = std::max(container.depth, child->depth + 1);
        child->contained = true;
    }
    void memoPut(uint32_t idx, size_t at) {
        memo_[idx] = top(at);
    }
    Ptr memoGet(uint32_t idx, size_t at) {
        const auto it = memo_.find(idx);
        if (it == memo_.end()) fail(at, "memo index " + std::to_string(idx) + " was never stored");
        return it->second;
    }
    void setItems(Ptr& dict, std::vector<Ptr> kv, size_t at) {
        if (dict->kind != Value::Kind::Dict)
            fail(at, std::string("SETITEM(S) on a ") + kindName(dict->kind));
        if (kv.size() % 2) fail(at, "SETITEMS with an odd number of values");
        if (dict->contained) fail(at, "SETITEM(S) on a dict already nested in another value");
        for (const auto& x : kv) adopt(*dict, x, at);
        for (size_t k = 0; k < kv.size(); k += 2) {
            bool replaced = false;
            if (kv[k]->kind == Value::Kind::Str)
                for (auto& e : dict->entries)
                    if (e.first->kind == Value::Kind::Str && e.first->s == kv[k]->s) {
                        e.second = kv[k + 1];
                        replaced = true;
                    }
            if (!replaced) dict->entries.emplace_back(kv[k], kv[k + 1]);
        }
    }

    void step(uint8_t op, size_t at) {
        switch (op) {
        case 0x80: u8(); break;                              // PROTO
        case 0x95: le(8); break;                             // FRAME: framing only
        case '}': push(make(Value::Kind::Dict)); break;      // EMPTY_DICT
        case ']': push(make(Value::Kind::List)); break;      // EMPTY_LIST
        case ')': push(make(Value::Kind::Tuple)); break;     // EMPTY_TUPLE
        case '(': push(make(Value::Kind::Mark)); break;      // MARK
        case 't': push(tuple(popToMark(at), at)); break;         // TUPLE
        case 0x85: case 0x86: case 0x87: {                   // TUPLE1..3
            std::vector<Ptr> items(size_t(op - 0x84));
            for (size_t k = items.size(); k-- > 0;) items[k] = pop(at);
            push(tuple(std::move(items), at));
            break;
        }
        case 's': {                                          // SETITEM
            Ptr v = pop(at);
            Ptr k = pop(at);
            setItems(top(at), {k, v}, at);
            break;
        }
        case 'u': {                                          // SETITEMS
            auto kv = popToMark(at);
            setItems(top(at), std::move(kv), at);
            break;
        }
        case 'a': case 'e': {                                // APPEND, APPENDS
            std::vector<Ptr> add = op == 'a' ? std::vector<Ptr>{pop(at)} : popToMark(at);
            Ptr& list = top(at);
            if (list->kind != Value::Kind::List)
                fail(at, std::string("APPEND(S) on a ") + kindName(list->kind));
            if (list->contained) fail(at, "APPEND(S) on a list already nested in another value");
            for (const auto& x : add) adopt(*list, x, at);
            list->items.insert(list->items.end(), add.begin(), add.end());
            break;
        }
        case 'X': push(str(take(size_t(le(4))))); break;     // BINUNICODE
        case 0x8c: push(str(take(u8()))); break;             // SHORT_BINUNICODE
        case 0x8d: {                                         // BINUNICODE8
            const uint64_t n = le(8);
            if (n > p_.size() - pos_) fail(at, "pickle truncated");
            push(str(take(size_t(n))));
            break;
        }
        case 'J': push(intValue(int32_t(uint32_t(le(4))))); break;  // BININT
        case 'K': push(intValue(u8())); break;                      // BININT1
        case 'M': push(intValue(int64_t(le(2)))); break;            // BININT2
        case 0x8a: {                                                // LONG1: n-byte two's complement
            const uint8_t n = u8();
            if (n > 8) fail(at, "LONG1 of " + std::to_string(n) + " bytes exceeds int64");
            uint64_t v = n ? le(n) : 0;
            if (n && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t(0) << (8 * n);
            push(intValue(int64_t(v)));
            break;
        }
        case 'G': {                                                 // BINFLOAT: big-endian f64
            const auto s = take(8);
            uint64_t bits = 0;
            for (char c : s) bits = (bits << 8) | uint8_t(c);
            auto v = make(Value::Kind::Float);
            std::memcpy(&v->f, &bits, 8);
            push(v);
            break;
        }
        case 0x89: case 0x88: {                                     // NEWFALSE, NEWTRUE
            auto v = make(Value::Kind::Bool);
            v->i = op == 0x88;
            push(v);
            break;
        }
        case 'N': push(make(Value::Kind::None)); break;
        case 'q': memoPut(u8(), at); break;                         // BINPUT
        case 'r': memoPut(uint32_t(le(4)), at); break;              // LONG_BINPUT
        case 0x94: memoPut(uint32_t(memo_.size()), at); break;      // MEMOIZE
        case 'h': push(memoGet(u8(), at)); break;                   // BINGET
        case 'j': push(memoGet(uint32_t(le(4)), at)); break;        // LONG_BINGET
        case 'c': {                                                 // GLOBAL "module\nname\n"
            std::string module = line();
            std::string name = line();
            pushGlobal(module + "." + name, at);
            break;
        }
        case 0x93: {                                                // STACK_GLOBAL
            Ptr name = pop(at);
            Ptr module = pop(at);
            if (module->kind != Value::Kind::Str || name->kind != Value::Kind::Str)
                fail(at, "STACK_GLOBAL needs two strings");
            pushGlobal(module->s + "." + name->s, at);
            break;
        }
        case 'R': {                                                 // REDUCE
            Ptr args = pop(at);
            Ptr fn = pop(at);
            push(reduce(fn, args, at));
            break;
        }
        case 'b': {                                                 // BUILD: state is ignored
            pop(at);
            const Ptr& obj = top(at);
            if (obj->kind != Value::Kind::Dict && obj->kind != Value::Kind::Tensor)
                fail(at, std::string("BUILD on a ") + kindName(obj->kind));
            break;
        }
        case 'Q': push(persistent(pop(at), at)); break;             // BINPERSID
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            fail(at, std::string("unsupported pickle opcode ") + hex);
        }
        }
    }

    void pushGlobal(const std::string& qualified, size_t at) {
        if (qualified != kOrderedDict && qualified != kRebuildTensor &&
            qualified != kRebuildParameter && !storageTypes().count(qualified))
            fail(at, "refused global " + qualified +
                         " (only collections.OrderedDict, torch._utils._rebuild_tensor_v2, "
                         "torch._utils._rebuild_parameter and torch storage types are allowed)");
        auto g = make(Value::Kind::Global);
        g->s = qualified;
        push(g);
    }

    int64_t asInt(const Ptr& v, size_t at, const char* what) const {
        if (v->kind != Value::Kind::Int) fail(at, std::string(what) + " is not an int");
        return v->i;
    }

    // ('storage', storage_type, key, location, numel) → a storage backed by data/<key>.
    Ptr persistent(const Ptr& pid, size_t at) {
        const auto& t = pid->items;
        if (pid->kind != Value::Kind::Tuple || t.size() != 5 || t[0]->kind != Value::Kind::Str ||
            t[0]->s != "storage" || t[1]->kind != Value::Kind::Global ||
            t[2]->kind != Value::Kind::Str)
            fail(at, "persistent id is not ('storage', type, key, location, numel)");
        const auto type = storageTypes().find(t[1]->s);
        if (type == storageTypes().end()) fail(at, t[1]->s + " is not a storage type");
        const int64_t numel = asInt(t[4], at, "storage numel");
        if (numel < 0) fail(at, "negative storage numel");
        auto s = make(Value::Kind::Storage);
        s->dtype = type->second;
        s->s = t[2]->s;
        s->numel = uint64_t(numel);
        return s;
    }

    std::shared_ptr<const std::string> blob(const Value& storage, size_t at) {
        auto& b = blobs_[storage.s];
        if (!b) {
            const std::string name = dataPrefix_ + "data/" + storage.s;
            const ZipEntry* e = zip_.find(name);
            if (!e) fail(at, "storage \"" + storage.s + "\" has no entry " + name);
            b = std::make_shared<const std::string>(zip_.read(*e));
        }
        const uint64_t esz = dtypeSize(storage.dtype);
        if (storage.numel > b->size() / esz)
            fail(at, "storage \"" + storage.s + "\" claims " + std::to_string(storage.numel) +
                         " elements but holds " + std::to_string(b->size()) + " bytes");
        return b;
    }

    std::vector<int64_t> intTuple(const Ptr& v, size_t at, const char* what) const {
        if (v->kind != Value::Kind::Tuple) fail(at, std::string(what) + " is not a tuple");
        std::vector<int64_t> out;
        for (const auto& x : v->items) out.push_back(asInt(x, at, what));
        return out;
    }

    Ptr reduce(const Ptr& fn, const Ptr& args, size_t at) {
        if (fn->kind != Value::Kind::Global) fail(at, std::string("REDUCE on a ") + kindName(fn->kind));
        if (args->kind != Value::Kind::Tuple) fail(at, "REDUCE arguments are not a tuple");
        const auto& a = args->items;
        if (fn->s == kOrderedDict) {
            if (!a.empty()) fail(at, "OrderedDict with arguments");
            return make(Value::Kind::Dict);
        }
        if (fn->s == kRebuildParameter) {
            if (a.empty() || a[0]->kind != Value::Kind::Tensor)
                fail(at, "_rebuild_parameter without a tensor");
            return a[0];
        }
        if (fn->s == kRebuildTensor) return rebuildTensor(a, at);
        fail(at, fn->s + " cannot be called");
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, meta]).
    Ptr rebuildTensor(const std::vector<Ptr>& a, size_t at) {
        if (a.size() < 4 || a[0]->kind != Value::Kind::Storage)
            fail(at, "_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
        const Value& storage = *a[0];
        const int64_t offset = asInt(a[1], at, "storage offset");
        const auto size = intTuple(a[2], at, "tensor size");
        const auto stride = intTuple(a[3], at, "tensor stride");
        if (size.size() != stride.size()) fail(at, "size and stride differ in rank");
        if (size.size() > Tensor::kMaxRank)
            fail(at, "rank " + std::to_string(size.size()) + " exceeds the supported maximum " +
                         std::to_string(Tensor::kMaxRank));
        if (offset < 0) fail(at, "negative storage offset");
        uint64_t count = 1;
        uint64_t last = uint64_t(offset);  // the highest element index the tensor touches
        for (size_t d = 0; d < size.size(); ++d) {
            if (size[d] < 0 || stride[d] < 0) fail(at, "negative size or stride");
            if (size[d] == 0) count = 0;
        }
        if (count != 0) {
            for (size_t d = 0; d < size.size(); ++d) {
                // Zero strides could make a tiny storage claim a huge tensor; copies are bounded
                // by the storage size instead.
                if (count > storage.numel / uint64_t(size[d]))
                    fail(at, "tensor of more elements than its storage \"" + storage.s +
                                 "\" (broadcast views are not supported)");
                count *= uint64_t(size[d]);
                const uint64_t span = uint64_t(size[d] - 1);
                if (span != 0 &&
                    uint64_t(stride[d]) > (std::numeric_limits<uint64_t>::max() - last) / span)
                    fail(at, "tensor extent overflows");
                last += span * uint64_t(stride[d]);
            }
            if (last >= storage.numel)
                fail(at, "tensor on storage \"" + storage.s + "\" reaches element " +
                             std::to_string(last) + " of " + std::to_string(storage.numel));
        }
        const auto bytes = blob(storage, at);
        Tensor t;
        try {
            t = Tensor(Tensor::Shape(size.begin(), size.end()));
        } catch (const std::invalid_argument& e) {
            fail(at, e.what());
        }
        const size_t esz = dtypeSize(storage.dtype);
        const char* base = bytes->data() + size_t(offset) * esz;
        float* out = t.size() ? t.mutableData() : nullptr;
        bool contiguous = true;
        int64_t expect = 1;
        for (size_t d = size.size(); d-- > 0;) {
            if (size[d] != 1 && stride[d] != expect) contiguous = false;
            expect *= size[d];
        }
        if (t.size() == 0) {
        } else if (contiguous) {
            convertToF32(storage.dtype, base, t.size(), out);
        } else {
            std::vector<int64_t> idx(size.size(), 0);
            for (size_t n = 0; n < t.size(); ++n) {
                int64_t at_ = 0;
                for (size_t d = 0; d < size.size(); ++d) at_ += idx[d] * stride[d];
                convertToF32(storage.dtype, base + size_t(at_) * esz, 1, out + n);
                for (size_t d = size.size(); d-- > 0;) {
                    if (++idx[d] < size[d]) break;
                    idx[d] = 0;
                }
            }
        }
        t.setSourceDType(storage.dtype);
        auto v = make(Value::Kind::Tensor);
        v->tensor = std::move(t);
        return v;
    }
};

}  // namespace

std::map<std::string, Tensor> readTorchCheckpointFromBytes(std::string_view bytes,
                                                           const std::string& sourceName) {
    const ZipArchive zip(bytes, sourceName);
    // torch.save puts everything under one top-level folder (the file's stem by default).
    const ZipEntry* pickle = nullptr;
    for (const auto& e : zip.entries()) {
        const size_t slash = e.name.find('/');
        if (slash != std::string::npos && e.name.compare(slash, std::string::npos, "/data.pkl") == 0) {
            if (pickle) throw ParseError(sourceName, 0, "more than one <prefix>/data.pkl entry");
            pickle = &e;
        }
    }
    if (!pickle)
        throw ParseError(sourceName, 0,
                         "no <prefix>/data.pkl entry (not a torch zip checkpoint; the legacy "
                         "pre-1.6 format is not supported)");
    const std::string prefix = pickle->name.substr(0, pickle->name.size() - std::strlen("data.pkl"));
    // torch >= 2.1 records the writer's byte order; older files are always little-endian.
    if (const ZipEntry* order = zip.find(prefix + "byteorder")) {
        const std::string value = zip.read(*order);
        if (value != "little")
            throw ParseError(sourceName, 0, "storages are in byte order \"" + value.substr(0, 16) +
                                                "\"; only little-endian checkpoints are supported");
    }
    const std::string pkl = zip.read(*pickle);
    const Ptr root = Unpickler(pkl, zip, prefix, sourceName).run();

    if (root->kind != Value::Kind::Dict)
        throw ParseError(sourceName, 0, std::string("the checkpoint holds a ") +
                                            kindName(root->kind) + ", not a dict");
    const Value* dict = root.get();
    for (const char* key : {"model", "state_dict", "model_state"}) {
        for (const auto& [k, v] : root->entries)
            if (k->kind == Value::Kind::Str && k->s == key && v->kind == Value::Kind::Dict) {
                dict = v.get();
                break;
            }
        if (dict != root.get()) break;
    }
    std::map<std::string, Tensor> out;
    for (const auto& [k, v] : dict->entries) {
        if (k->kind != Value::Kind::Str)
            throw ParseError(sourceName, 0, std::string("state dict key is a ") + kindName(k->kind));
        std::string name = k->s;
        if (name.rfind("module.", 0) == 0) name.erase(0, std::strlen("module."));
        if (v->kind != Value::Kind::Tensor)
            throw ParseError(sourceName, 0, "state dict entry \"" + k->s + "\" is a " +
                                                kindName(v->kind) + ", not a tensor");
        if (!out.emplace(name, v->tensor).second)
            throw ParseError(sourceName, 0, "duplicate tensor \"" + name + "\" after stripping \"module.\"");
    }
    return out;
}

std::map<std::string, Tensor> readTorchCheckpoint(const std::filesystem::path& path) {
    const std::string bytes = io::readFileBytes(path);
    return readTorchCheckpointFromBytes(bytes, path.string());
}

}  // namespace gts::checkpoint
