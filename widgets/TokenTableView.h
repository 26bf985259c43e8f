#pragma once

#include <QWidget>
#include <optional>

#include "tokenize/TokenSequence.h"

class QComboBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace gts {

/// The GraphGPT token sequence of the open graph: one row per position, one cell per token,
/// coloured by what the token stands for (node index, node attribute, edge type, edge
/// attribute, special), with its provenance as a tooltip. The seed and layout re-tokenize.
class TokenTableView : public QWidget {
    Q_OBJECT
public:
    explicit TokenTableView(QWidget* parent = nullptr);

    /// Tokenizes `graph` (not kept) with the current seed and layout; shows an error row when
    /// the graph cannot be tokenized with these settings.
    void setGraph(const Graph* graph);
    const std::optional<TokenSequence>& sequence() const { return sequence_; }
    QTableWidget* table() const { return table_; }
    QSpinBox* seedBox() const { return seed_; }

private:
    void retokenize();

    const Graph* graph_ = nullptr;
    std::optional<TokenSequence> sequence_;
    QComboBox* layout_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QLabel* summary_ = nullptr;
    QTableWidget* table_ = nullptr;
};

}  // namespace gts
