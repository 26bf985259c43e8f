#include "store/RunResultStore.h"

#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace gts::store {
namespace {

Tensor positionsTensor(const std::vector<int32_t>& positions) {
    // Positions are below 2^24, so f32 holds them exactly.
    std::vector<float> v(positions.begin(), positions.end());
    Tensor::Shape shape{static_cast<int64_t>(v.size())};
    return Tensor(shape, std::move(v));
}

std::vector<int32_t> positionsOf(const Tensor& t, const std::string& name) {
    std::vector<int32_t> out;
    out.reserve(t.size());
    for (size_t i = 0; i < t.size(); ++i) {
        float v = t.data()[i];
        if (!(v >= 0.f && v < 16777216.f) || std::floor(v) != v)
            throw std::invalid_argument("stored tensor " + name + " holds a non-position value");
        out.push_back(static_cast<int32_t>(v));
    }
    return out;
}

void putIfAny(Session& s, const std::string& name, const Tensor& t) {
    if (t.size() > 0) s.tensors[name] = t;
}

Tensor getOrEmpty(const Session& s, const std::string& name) {
    auto it = s.tensors.find(name);
    return it == s.tensors.end() ? Tensor() : it->second;
}

const char* kLayerParts[] = {"attention", "scores", "residual", "headOutputs", "keys", "queries"};

Tensor& layerPart(model::LayerCapture& c, int i) {
    Tensor* parts[] = {&c.attention, &c.scores, &c.residual, &c.headOutputs, &c.keys, &c.queries};
    return *parts[i];
}

}  // namespace

void putRunResult(Session& session, const std::string& prefix, const model::RunResult& result) {
    for (auto it = session.tensors.begin(); it != session.tensors.end();)
        it = it->first.rfind(prefix, 0) == 0 ? session.tensors.erase(it) : std::next(it);
    putIfAny(session, prefix + "logits", result.logits);
    putIfAny(session, prefix + "tokenLogits", result.tokenLogits);
    putIfAny(session, prefix + "hidden", result.hidden);
    putIfAny(session, prefix + "embeddings", result.embeddings);
    session.tensors[prefix + "positions"] = positionsTensor(result.positions);
    nlohmann::json layers = nlohmann::json::array();
    for (size_t i = 0; i < result.layers.size(); ++i) {
        auto c = result.layers[i];
        const std::string base = prefix + "layer" + std::to_string(i) + ".";
        session.tensors[base + "positions"] = positionsTensor(c.positions);
        for (int p = 0; p < 6; ++p) putIfAny(session, base + kLayerParts[p], layerPart(c, p));
        layers.push_back({{"layer", c.layer}, {"attentionDeferred", c.attentionDeferred}});
    }
    session.settings[prefix + "meta"] =
        nlohmann::json{{"layers", layers}, {"milliseconds", result.milliseconds}}.dump();
}

std::optional<model::RunResult> getRunResult(const Session& session, const std::string& prefix) {
    auto meta = session.settings.find(prefix + "meta");
    if (meta == session.settings.end()) return std::nullopt;
    auto j = nlohmann::json::parse(meta->second, nullptr, false);
    if (!j.is_object() || !j.contains("layers") || !j["layers"].is_array())
        throw std::invalid_argument("stored run " + prefix + "meta is not a run description");
    model::RunResult r;
    r.logits = getOrEmpty(session, prefix + "logits");
    r.tokenLogits = getOrEmpty(session, prefix + "tokenLogits");
    r.hidden = getOrEmpty(session, prefix + "hidden");
    r.embeddings = getOrEmpty(session, prefix + "embeddings");
    r.positions = positionsOf(getOrEmpty(session, prefix + "positions"), prefix + "positions");
    r.milliseconds = j.value("milliseconds", 0.0);
    for (size_t i = 0; i < j["layers"].size(); ++i) {
        const auto& lj = j["layers"][i];
        const std::string base = prefix + "layer" + std::to_string(i) + ".";
        if (!session.tensors.count(base + "positions"))
            throw std::invalid_argument("stored run lacks " + base + "positions");
        model::LayerCapture c;
        c.layer = lj.value("layer", 0);
        c.attentionDeferred = lj.value("attentionDeferred", false);
        c.positions = positionsOf(session.tensors.at(base + "positions"), base + "positions");
        for (int p = 0; p < 6; ++p) layerPart(c, p) = getOrEmpty(session, base + kLayerParts[p]);
        r.layers.push_back(std::move(c));
    }
    return r;
}

}  // namespace gts::store
