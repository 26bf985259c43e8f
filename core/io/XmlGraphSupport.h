#pragma once
// What the two XML graph formats (GraphML, GEXF) share: loading a buffer with errors that carry
// a line, XML text escaping, typed value text, declared defaults, and the rule that stores
// vector attributes as one scalar attribute per component ("feat.0", "feat.1", ...).

#include <pugixml.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <unordered_map>

#include "graph/Attributes.h"
#include "graph/Graph.h"

namespace gts::io::xml {

/// Parses `data` into `doc`. Throws ParseError(source, line, ...) for empty input, bytes that
/// are not UTF-8 and malformed XML. DOCTYPE declarations are skipped and entities are never
/// expanded beyond the five predefined ones and character references.
void load(pugi::xml_document& doc, std::string_view data, const std::string& source);
/// Loads `doc` and checks that its root element is `rootName` (with any namespace prefix).
/// Returns the root; `prefix` receives the prefix to match child elements with ("g:" or "").
pugi::xml_node loadRoot(pugi::xml_document& doc, std::string_view data, const std::string& source,
                        std::string_view rootName, std::string_view formatName, std::string& prefix);

/// The 1-based line of an element in the buffer `doc` was loaded from (0 if unknown).
size_t lineOf(std::string_view data, const pugi::xml_node& node);

/// "y:ShapeNode" -> "ShapeNode", "node" -> "node".
std::string_view localName(std::string_view qualified);
/// Whether `el` is the element `prefix` + `local` ("g:node" with prefix "g:"; prefix "" for the
/// default namespace).
bool isElement(const pugi::xml_node& el, std::string_view prefix, std::string_view local);
/// "y:ShapeNode" -> "y", "node" -> "".
std::string_view prefixOf(std::string_view qualified);

/// The text content directly inside an element (its PCDATA and CDATA children, joined).
std::string directText(const pugi::xml_node& element);

/// Appends `text` escaped for an attribute value (quotes, tabs and line ends as references) or
/// for element content. Characters XML 1.0 cannot hold (C0 controls) become U+FFFD.
void appendEscaped(std::string& out, std::string_view text, bool inAttribute);

/// "true"/"false"/"1"/"0" in any case (networkx writes "True").
std::optional<bool> parseBool(std::string_view text);

/// Stores `text` as component k of element i, as the column's kind and hint read it: booleans
/// for hint Boolean, integers for other discrete columns, reals for continuous ones. Returns
/// false when the text is not such a value.
bool setFromText(AttrColumn& column, size_t i, std::string_view text, uint32_t k = 0);
/// Component k of element i as text that setFromText reads back (reals: shortest exact text,
/// "NaN", "Infinity", "-Infinity", which Python and Java both parse).
std::string valueText(const AttrColumn& column, size_t i, uint32_t k = 0);
/// Gives every element without a value the column's declared default (width-1 columns).
/// Returns false when the default text is not a value of the column's type.
bool applyDefault(AttrColumn& column);

/// The attribute name of component k of a vector column: "<name>.<k>".
std::string componentName(std::string_view name, uint32_t k);
/// Joins scalar discrete or continuous columns named "<base>.0" .. "<base>.<n-1>" (n >= 2, same
/// kind and hint, values present on the same elements, no column "<base>" already) into one
/// vector column "<base>" of width n, placed where "<base>.0" was.
void gatherComponentColumns(AttrTable& table);

/// True when every value of a discrete column fits in 32 bits (GraphML "int", GEXF "integer").
bool fitsInt32(const AttrColumn& column);

/// Adds one node per element of `nodeEls` to `graph`, keyed by its `id` attribute, and fills
/// `index` (id -> node; the views point into the document). A missing or repeated id is a
/// ParseError at the element's line.
/// The node an <edge>'s `which` attribute ("source" or "target") names; a missing attribute
/// or an unknown node is a ParseError at the edge's line.
NodeId edgeEndpoint(const pugi::xml_node& edge, const char* which,
                    const std::unordered_map<std::string_view, NodeId>& index, std::string_view data,
                    const std::string& source);

void addNodesById(Graph& graph, const std::vector<pugi::xml_node>& nodeEls, std::string_view data,
                  const std::string& source, std::unordered_map<std::string_view, NodeId>& index);

}  // namespace gts::io::xml
