#include <gtest/gtest.h>

#include <cmath>

#include "analysis/HeadMetrics.h"

using namespace gts;
using namespace gts::analysis;

namespace {

// Rows: query 0 splits 1/2, 1/4, 1/4; query 1 looks only at itself; query 2 gives 0.2, 0.5, 0.3.
const std::vector<float> kMixed = {0.5f, 0.25f, 0.25f,  //
                                   0.0f, 1.0f, 0.0f,    //
                                   0.2f, 0.5f, 0.3f};

}  // namespace

TEST(HeadMetrics, EntropyIsTheMeanRowEntropyOverLogS) {
    // H(row 0) = 1.5 ln 2 = 1.0397208, H(row 1) = 0,
    // H(row 2) = -(0.2 ln 0.2 + 0.5 ln 0.5 + 0.3 ln 0.3) = 1.0296530;
    // (1.0397208 + 0 + 1.0296530) / (3 ln 3 = 3.2958369) = 0.6278751.
    EXPECT_NEAR(attentionEntropy(kMixed, 3), 0.6278751, 1e-6);
    // Uniform rows reach 1, one-hot rows 0.
    const std::vector<float> uniform(9, 1.0f / 3.0f);
    EXPECT_NEAR(attentionEntropy(uniform, 3), 1.0, 1e-6);
    const std::vector<float> oneHot = {0, 1, 0, 0, 1, 0, 1, 0, 0};
    EXPECT_NEAR(attentionEntropy(oneHot, 3), 0.0, 1e-12);
    // 2 x 2: rows (1/2, 1/2) and (1, 0): (ln 2 + 0) / (2 ln 2) = 0.5.
    EXPECT_NEAR(attentionEntropy(std::vector<float>{0.5f, 0.5f, 1.0f, 0.0f}, 2), 0.5, 1e-6);
    EXPECT_EQ(attentionEntropy(std::vector<float>{1.0f}, 1), 0.0);
}

TEST(HeadMetrics, ConfidenceIsTheMeanRowMaximum) {
    // (0.5 + 1 + 0.5) / 3
    EXPECT_NEAR(attentionConfidence(kMixed, 3), 2.0 / 3.0, 1e-6);
    EXPECT_NEAR(attentionConfidence(std::vector<float>(16, 0.25f), 4), 0.25, 1e-7);
}

TEST(HeadMetrics, SelfMassIsTheMeanDiagonal) {
    // (0.5 + 1 + 0.3) / 3
    EXPECT_NEAR(attentionSelfMass(kMixed, 3), 0.6, 1e-6);
    const std::vector<float> offDiagonal = {0, 1, 1, 0};
    EXPECT_NEAR(attentionSelfMass(offDiagonal, 2), 0.0, 1e-12);
}

TEST(HeadMetrics, DispatchNamesAndShapeErrors) {
    EXPECT_NEAR(headMetric(HeadMetric::Confidence, kMixed, 3), 2.0 / 3.0, 1e-6);
    EXPECT_EQ(headMetric(HeadMetric::None, kMixed, 3), 0.0);
    EXPECT_THROW(attentionEntropy(kMixed, 2), std::invalid_argument);
    EXPECT_THROW(headMetric(HeadMetric::None, kMixed, 4), std::invalid_argument);
    for (HeadMetric m : {HeadMetric::None, HeadMetric::Entropy, HeadMetric::Confidence, HeadMetric::SelfMass})
        EXPECT_EQ(parseHeadMetric(headMetricName(m)), m);
    EXPECT_FALSE(parseHeadMetric("max").has_value());
}

TEST(HeadMetrics, EveryCapturedHead) {
    model::RunResult result;
    model::LayerCapture c;
    c.layer = 1;
    c.positions = {0, 1};
    // Head 0: identity (self mass 1); head 1: everything to key 1 (self mass 1/2).
    c.attention = Tensor({2, 2, 2}, {1, 0, 0, 1, 0, 1, 0, 1});
    result.layers.push_back(c);
    const auto m = headMetrics(result, HeadMetric::SelfMass);
    ASSERT_EQ(m.size(), 1u);
    ASSERT_EQ(m[0].size(), 2u);
    EXPECT_NEAR(m[0][0], 1.0, 1e-12);
    EXPECT_NEAR(m[0][1], 0.5, 1e-12);
}
