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
    /// The tokenization settings the seed and layout apply to (a model's tokenization.json);
    /// re-tokenizes. Defaults are GraphGPT's pcqm4m-v2 settings.
    void setBaseOptions(const TokenizeOptions& options);
    const std::optional<TokenSequence>& sequence() const { return sequence_; }
    QTableWidget* table() const { return table_; }
    QSpinBox* seedBox() const { return seed_; }
    /// Why the last tokenization failed (empty when it worked).
    QString error() const { return error_; }

signals:
    /// After every re-tokenization (graph, settings, seed or layout changed).
    void sequenceChanged();

private:
    void retokenize();

    const Graph* graph_ = nullptr;
    TokenizeOptions base_;
    QString error_;
    std::optional<TokenSequence> sequence_;
    QComboBox* layout_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QLabel* summary_ = nullptr;
    QTableWidget* table_ = nullptr;
};

}  // namespace gts
