#include "graph/Attributes.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace gts {

const char* attrKindName(AttrKind kind) {
    switch (kind) {
        case AttrKind::Discrete: return "discrete";
        case AttrKind::Continuous: return "continuous";
        case AttrKind::String: return "string";
    }
    return "?";
}

size_t AttrColumn::size() const {
    switch (kind) {
        case AttrKind::Discrete: return width ? ints.size() / width : 0;
        case AttrKind::Continuous: return width ? reals.size() / width : 0;
        case AttrKind::String: return strings.size();
    }
    return 0;
}

void AttrColumn::setPresent(size_t i, bool value) {
    if (present.empty()) {
        if (value) return;
        present.assign(size(), 1);
    }
    present[i] = value ? 1 : 0;
}

bool AttrColumn::allPresent() const {
    return present.empty() || std::all_of(present.begin(), present.end(), [](uint8_t p) { return p != 0; });
}

void AttrColumn::setInt(size_t i, int64_t v, uint32_t k) {
    ints[i * width + k] = v;
    setPresent(i, true);
}

void AttrColumn::setReal(size_t i, double v, uint32_t k) {
    reals[i * width + k] = v;
    setPresent(i, true);
}

void AttrColumn::setString(size_t i, std::string v) {
    strings[i] = std::move(v);
    setPresent(i, true);
}

void AttrColumn::resize(size_t n) {
    const size_t old = size();
    switch (kind) {
        case AttrKind::Discrete: ints.resize(n * width, 0); break;
        case AttrKind::Continuous: reals.resize(n * width, 0.0); break;
        case AttrKind::String: strings.resize(n); break;
    }
    if (n > old) {
        if (present.empty()) present.assign(old, 1);
        present.resize(n, 0);
    } else if (!present.empty()) {
        present.resize(n);
    }
}

void AttrColumn::gather(const std::vector<uint32_t>& keep) {
    auto pick = [&](auto& values, uint32_t w) {
        std::remove_reference_t<decltype(values)> out;
        out.reserve(keep.size() * w);
        for (uint32_t i : keep)
            for (uint32_t k = 0; k < w; ++k) out.push_back(std::move(values[size_t(i) * w + k]));
        values = std::move(out);
    };
    std::vector<uint8_t> newPresent;
    if (!present.empty()) {
        newPresent.reserve(keep.size());
        for (uint32_t i : keep) newPresent.push_back(present[i]);
    }
    switch (kind) {
        case AttrKind::Discrete: pick(ints, width); break;
        case AttrKind::Continuous: pick(reals, width); break;
        case AttrKind::String: pick(strings, 1); break;
    }
    present = std::move(newPresent);
}

void AttrColumn::appendFrom(const AttrColumn& other, size_t i) {
    if (other.kind != kind || other.width != width)
        throw std::invalid_argument("attribute '" + name + "': appending a value of another type");
    const size_t n = size();
    resize(n + 1);
    switch (kind) {
        case AttrKind::Discrete:
            std::copy_n(other.ints.begin() + i * width, width, ints.begin() + n * width);
            break;
        case AttrKind::Continuous:
            std::copy_n(other.reals.begin() + i * width, width, reals.begin() + n * width);
            break;
        case AttrKind::String: strings[n] = other.strings[i]; break;
    }
    setPresent(n, other.has(i));
}

namespace {
std::string realText(double v) {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
    return std::string(buf, res.ptr);
}
}  // namespace

std::string AttrColumn::valueText(size_t i) const {
    if (!has(i)) return {};
    if (kind == AttrKind::String) return strings[i];
    std::string out;
    if (width != 1) out += '[';
    for (uint32_t k = 0; k < width; ++k) {
        if (k) out += ", ";
        out += kind == AttrKind::Discrete ? std::to_string(intAt(i, k)) : realText(realAt(i, k));
    }
    if (width != 1) out += ']';
    return out;
}

AttrColumn* AttrTable::find(std::string_view name) {
    for (auto& c : columns_)
        if (c.name == name) return &c;
    return nullptr;
}

const AttrColumn* AttrTable::find(std::string_view name) const {
    for (const auto& c : columns_)
        if (c.name == name) return &c;
    return nullptr;
}

AttrColumn& AttrTable::add(std::string name, AttrKind kind, uint32_t width, AttrTypeHint hint) {
    if (kind == AttrKind::String) width = 1;
    if (width == 0) throw std::invalid_argument("attribute '" + name + "': width 0");
    if (AttrColumn* existing = find(name)) {
        if (existing->kind != kind || existing->width != width)
            throw std::invalid_argument("attribute '" + name + "' exists as " +
                                        attrKindName(existing->kind) + "[" +
                                        std::to_string(existing->width) + "], not " +
                                        attrKindName(kind) + "[" + std::to_string(width) + "]");
        return *existing;
    }
    AttrColumn col;
    col.name = std::move(name);
    col.kind = kind;
    col.width = width;
    col.hint = hint;
    col.resize(size_);
    if (size_ == 0) col.present.clear();
    columns_.push_back(std::move(col));
    return columns_.back();
}

void AttrTable::remove(std::string_view name) {
    columns_.erase(std::remove_if(columns_.begin(), columns_.end(),
                                  [&](const AttrColumn& c) { return c.name == name; }),
                   columns_.end());
}

void AttrTable::resize(size_t n) {
    size_ = n;
    for (auto& c : columns_) c.resize(n);
}

void AttrTable::gather(const std::vector<uint32_t>& keep) {
    size_ = keep.size();
    for (auto& c : columns_) c.gather(keep);
}

}  // namespace gts
