#pragma once
// Graph algorithms used by the tokenizer, the metrics and the layouts.
