#include "io/AttrValueCollector.h"

#include "io/GraphIO.h"
#include "io/TextInput.h"

namespace gts::io::detail {

std::string ScalarValue::text() const {
    switch (type) {
        case Type::Int: return std::to_string(i);
        case Type::Real: return formatReal(r);
        case Type::Bool: return i ? "true" : "false";
        case Type::String: return s;
    }
    return {};
}

std::string listText(const AttrValue& value) {
    std::string out = "[";
    for (size_t k = 0; k < value.items.size(); ++k) {
        if (k) out += ", ";
        const ScalarValue& item = value.items[k];
        if (item.type != ScalarValue::Type::String) {
            out += item.text();
            continue;
        }
        out += '"';
        for (char c : item.s) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += ']';
    return out;
}

void AttrValueCollector::add(uint32_t element, const std::string& name, AttrValue value) {
    auto [it, inserted] = index_.emplace(name, columns_.size());
    if (inserted) columns_.push_back(Column{name, {}});
    columns_[it->second].values.emplace_back(element, std::move(value));
}

void AttrValueCollector::build(AttrTable& table, OnWidthMismatch onMismatch,
                               const std::string& source,
                               const std::function<std::string(uint32_t)>& elementName) const {
    for (const Column& col : columns_) {
        if (col.values.empty()) continue;
        bool anyString = false, allBool = true, allInt = true;
        size_t width = col.values.front().second.items.size();
        const std::pair<uint32_t, AttrValue>* mismatch = nullptr;
        for (const auto& entry : col.values) {
            const AttrValue& v = entry.second;
            if (v.items.size() != width && !mismatch) mismatch = &entry;
            for (const ScalarValue& item : v.items) {
                anyString |= item.type == ScalarValue::Type::String;
                allBool &= item.type == ScalarValue::Type::Bool;
                allInt &= item.type == ScalarValue::Type::Int || item.type == ScalarValue::Type::Bool;
            }
        }
        if (!anyString && mismatch && onMismatch == OnWidthMismatch::Error) {
            throw ParseError(source, mismatch->second.line,
                             elementName(mismatch->first) + ": attribute '" + col.name + "' has " +
                                 std::to_string(mismatch->second.items.size()) +
                                 " values where " + elementName(col.values.front().first) +
                                 " has " + std::to_string(width));
        }
        if (width == 0) anyString = true;  // only empty lists: nothing numeric to keep
        if (anyString || mismatch) {
            AttrColumn& out = table.add(col.name, AttrKind::String);
            for (const auto& [element, v] : col.values) {
                const bool scalar = v.items.size() == 1 && !v.isList;
                out.setString(element, scalar ? v.items.front().text() : listText(v));
            }
            continue;
        }
        const AttrKind kind = allInt ? AttrKind::Discrete : AttrKind::Continuous;
        const AttrTypeHint hint = allBool ? AttrTypeHint::Boolean : AttrTypeHint::None;
        AttrColumn& out = table.add(col.name, kind, uint32_t(width), hint);
        for (const auto& [element, v] : col.values) {
            for (uint32_t k = 0; k < width; ++k) {
                const ScalarValue& item = v.items[k];
                if (kind == AttrKind::Discrete) {
                    out.setInt(element, item.i, k);
                } else {
                    out.setReal(element, item.type == ScalarValue::Type::Real ? item.r
                                                                              : double(item.i),
                                k);
                }
            }
        }
    }
}

}  // namespace gts::io::detail
