#include "io/OgbFeatures.h"

#include <GraphMol/Atom.h>
#include <GraphMol/Bond.h>
#include <GraphMol/Chirality.h>
#include <GraphMol/Conformer.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/PeriodicTable.h>
#include <GraphMol/RWMol.h>
#include <GraphMol/RingInfo.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "graph/AttrNames.h"

namespace gts::ogb {

namespace {

constexpr int64_t kMaxAtomicNum = 118;
constexpr int64_t kMaxDegree = 10;
constexpr int64_t kMinFormalCharge = -5;
constexpr int64_t kMaxFormalCharge = 5;
constexpr int64_t kMaxNumHs = 8;
constexpr int64_t kMaxRadicalElectrons = 4;

/// Index of `value` in the list first..last, or the misc index (one past last).
int64_t rangeIndex(int64_t value, int64_t first, int64_t last) {
    if (value < first || value > last) return last - first + 1;
    return value - first;
}

int64_t chiralityIndex(RDKit::Atom::ChiralType tag) {
    switch (tag) {
        case RDKit::Atom::CHI_UNSPECIFIED: return 0;
        case RDKit::Atom::CHI_TETRAHEDRAL_CW: return 1;
        case RDKit::Atom::CHI_TETRAHEDRAL_CCW: return 2;
        case RDKit::Atom::CHI_OTHER: return 3;
        default: return 4;
    }
}

int64_t hybridizationIndex(RDKit::Atom::HybridizationType h) {
    switch (h) {
        case RDKit::Atom::SP: return 0;
        case RDKit::Atom::SP2: return 1;
        case RDKit::Atom::SP3: return 2;
        case RDKit::Atom::SP3D: return 3;
        case RDKit::Atom::SP3D2: return 4;
        default: return 5;
    }
}

int64_t bondTypeIndex(RDKit::Bond::BondType t) {
    switch (t) {
        case RDKit::Bond::SINGLE: return 0;
        case RDKit::Bond::DOUBLE: return 1;
        case RDKit::Bond::TRIPLE: return 2;
        case RDKit::Bond::AROMATIC: return 3;
        default: return 4;
    }
}

int64_t bondStereoIndex(RDKit::Bond::BondStereo s) {
    switch (s) {
        case RDKit::Bond::STEREONONE: return 0;
        case RDKit::Bond::STEREOZ: return 1;
        case RDKit::Bond::STEREOE: return 2;
        case RDKit::Bond::STEREOCIS: return 3;
        case RDKit::Bond::STEREOTRANS: return 4;
        case RDKit::Bond::STEREOANY: return 5;
    }
    return 0;  // OGB's stereo list has no misc entry; RDKit 2022.09 has no other value
}

const RDKit::Bond::BondStereo kStereoByIndex[] = {
    RDKit::Bond::STEREONONE,  RDKit::Bond::STEREOZ,     RDKit::Bond::STEREOE,
    RDKit::Bond::STEREOCIS,   RDKit::Bond::STEREOTRANS, RDKit::Bond::STEREOANY};

const RDKit::Atom::HybridizationType kHybridizationByIndex[] = {
    RDKit::Atom::SP, RDKit::Atom::SP2, RDKit::Atom::SP3, RDKit::Atom::SP3D, RDKit::Atom::SP3D2};

}  // namespace

AtomFeatures atomFeatures(const RDKit::Atom& atom) {
    AtomFeatures f{};
    f[kAtomicNum] = rangeIndex(atom.getAtomicNum(), 1, kMaxAtomicNum);
    f[kChirality] = chiralityIndex(atom.getChiralTag());
    f[kTotalDegree] = rangeIndex(atom.getTotalDegree(), 0, kMaxDegree);
    f[kFormalCharge] = rangeIndex(atom.getFormalCharge(), kMinFormalCharge, kMaxFormalCharge);
    f[kTotalNumHs] = rangeIndex(atom.getTotalNumHs(), 0, kMaxNumHs);
    f[kRadicalElectrons] = rangeIndex(atom.getNumRadicalElectrons(), 0, kMaxRadicalElectrons);
    f[kHybridization] = hybridizationIndex(atom.getHybridization());
    f[kIsAromatic] = atom.getIsAromatic() ? 1 : 0;
    const RDKit::RingInfo* rings = atom.getOwningMol().getRingInfo();
    f[kIsInRing] = rings->isInitialized() && rings->numAtomRings(atom.getIdx()) != 0 ? 1 : 0;
    return f;
}

BondFeatures bondFeatures(const RDKit::Bond& bond) {
    BondFeatures f{};
    f[kBondType] = bondTypeIndex(bond.getBondType());
    f[kBondStereo] = bondStereoIndex(bond.getStereo());
    f[kIsConjugated] = bond.getIsConjugated() ? 1 : 0;
    return f;
}

Graph moleculeToGraph(const RDKit::ROMol& mol) {
    Graph g(false);
    const unsigned atomCount = mol.getNumAtoms();
    g.addNodes(atomCount);
    g.nodeAttrs().add(attr::kFeat, AttrKind::Discrete, kAtomFeatureCount);
    g.nodeAttrs().add(attr::kSymbol, AttrKind::String);
    // Looked up after both are added: adding a column may move the others.
    AttrColumn& feat = *g.nodeAttrs().find(attr::kFeat);
    AttrColumn& symbol = *g.nodeAttrs().find(attr::kSymbol);
    for (const RDKit::Atom* atom : mol.atoms()) {
        const AtomFeatures f = atomFeatures(*atom);
        for (int k = 0; k < kAtomFeatureCount; ++k) feat.setInt(atom->getIdx(), f[k], uint32_t(k));
        symbol.setString(atom->getIdx(), atom->getSymbol());
    }
    if (mol.getNumConformers() > 0) {
        const RDKit::Conformer& conf = mol.getConformer();
        auto& pos = g.nodeAttrs().add(attr::kPos, AttrKind::Continuous, 3);
        for (unsigned i = 0; i < atomCount; ++i) {
            const RDGeom::Point3D& p = conf.getAtomPos(i);
            pos.setReal(i, p.x, 0);
            pos.setReal(i, p.y, 1);
            pos.setReal(i, p.z, 2);
        }
    }
    g.reserveEdges(mol.getNumBonds());
    auto& bondFeat = g.edgeAttrs().add(attr::kFeat, AttrKind::Discrete, kBondFeatureCount);
    for (const RDKit::Bond* bond : mol.bonds()) {
        const EdgeId e = g.addEdge(bond->getBeginAtomIdx(), bond->getEndAtomIdx());
        const BondFeatures f = bondFeatures(*bond);
        for (int k = 0; k < kBondFeatureCount; ++k) bondFeat.setInt(e, f[k], uint32_t(k));
    }
    return g;
}

namespace {

/// The neighbour of `atom` other than `other` with the highest CIP rank.
int highestRankedNeighbor(const RDKit::ROMol& mol, const RDKit::Atom* atom,
                          const RDKit::Atom* other, const RDKit::UINT_VECT& ranks) {
    int best = -1;
    for (const RDKit::Atom* nbr : mol.atomNeighbors(atom)) {
        if (nbr == other) continue;
        if (best < 0 || ranks[nbr->getIdx()] > ranks[unsigned(best)]) best = int(nbr->getIdx());
    }
    return best;
}

}  // namespace

std::unique_ptr<RDKit::RWMol> graphToMolecule(const Graph& graph) {
    const AttrColumn* atomFeat = graph.nodeAttrs().find(attr::kFeat);
    if (!atomFeat || atomFeat->kind != AttrKind::Discrete ||
        atomFeat->width != kAtomFeatureCount || !atomFeat->allPresent())
        throw std::invalid_argument("graph has no OGB atom features (node attr \"feat\", 9 ints)");
    const AttrColumn* bondFeat = graph.edgeAttrs().find(attr::kFeat);
    if (graph.edgeCount() > 0 &&
        (!bondFeat || bondFeat->kind != AttrKind::Discrete ||
         bondFeat->width != kBondFeatureCount || !bondFeat->allPresent()))
        throw std::invalid_argument("graph has no OGB bond features (edge attr \"feat\", 3 ints)");

    auto mol = std::make_unique<RDKit::RWMol>();
    for (size_t v = 0; v < graph.nodeCount(); ++v) {
        auto f = [&](int k) { return atomFeat->intAt(v, uint32_t(k)); };
        const int64_t num = f(kAtomicNum);
        auto* atom = new RDKit::Atom(num >= 0 && num < kMaxAtomicNum ? int(num + 1) : 0);
        const int64_t charge = f(kFormalCharge);
        atom->setFormalCharge(charge >= 0 && charge <= kMaxFormalCharge - kMinFormalCharge
                                  ? int(charge + kMinFormalCharge)
                                  : 0);
        // The hydrogen count is fixed as OGB saw it, so valence models cannot change it.
        atom->setNoImplicit(true);
        atom->setNumExplicitHs(unsigned(std::clamp<int64_t>(f(kTotalNumHs), 0, kMaxNumHs + 1)));
        atom->setNumRadicalElectrons(
            unsigned(std::clamp<int64_t>(f(kRadicalElectrons), 0, kMaxRadicalElectrons + 1)));
        switch (f(kChirality)) {
            case 1: atom->setChiralTag(RDKit::Atom::CHI_TETRAHEDRAL_CW); break;
            case 2: atom->setChiralTag(RDKit::Atom::CHI_TETRAHEDRAL_CCW); break;
            case 3: atom->setChiralTag(RDKit::Atom::CHI_OTHER); break;
            default: break;
        }
        atom->setIsAromatic(f(kIsAromatic) != 0);
        mol->addAtom(atom, true, true);
    }
    for (EdgeId e = 0; e < graph.edgeCount(); ++e) {
        const Edge& edge = graph.edge(e);
        if (edge.src == edge.dst)
            throw std::invalid_argument("edge " + std::to_string(e) + " is a self loop; a bond "
                                        "joins two atoms");
        if (mol->getBondBetweenAtoms(edge.src, edge.dst))
            throw std::invalid_argument("edge " + std::to_string(e) + " repeats a bond");
        RDKit::Bond::BondType type = RDKit::Bond::SINGLE;  // misc bond types become single
        switch (bondFeat->intAt(e, kBondType)) {
            case 1: type = RDKit::Bond::DOUBLE; break;
            case 2: type = RDKit::Bond::TRIPLE; break;
            case 3: type = RDKit::Bond::AROMATIC; break;
            default: break;
        }
        const unsigned count = mol->addBond(edge.src, edge.dst, type);
        RDKit::Bond* bond = mol->getBondWithIdx(count - 1);
        bond->setIsAromatic(type == RDKit::Bond::AROMATIC);
    }
    try {
        RDKit::MolOps::sanitizeMol(*mol);
    } catch (const std::exception& ex) {
        throw std::invalid_argument(std::string("RDKit rejects the rebuilt molecule: ") + ex.what());
    }
    // Hybridization from features where RDKit's perception disagrees (e.g. hypervalent atoms).
    for (size_t v = 0; v < graph.nodeCount(); ++v) {
        const int64_t h = atomFeat->intAt(v, kHybridization);
        if (h >= 0 && h < 5) mol->getAtomWithIdx(unsigned(v))->setHybridization(kHybridizationByIndex[h]);
    }

    // Double-bond stereo: Z/E are relative to the highest CIP-ranked neighbours; CIS/TRANS (which
    // OGB does not say relative to which neighbours) are taken relative to the same ones.
    bool anyStereo = false;
    for (EdgeId e = 0; e < graph.edgeCount(); ++e) {
        const int64_t s = bondFeat->intAt(e, kBondStereo);
        if (s >= 1 && s <= 4) anyStereo = true;
    }
    if (anyStereo) {
        RDKit::UINT_VECT ranks(mol->getNumAtoms());
        RDKit::Chirality::assignAtomCIPRanks(*mol, ranks);
        for (EdgeId e = 0; e < graph.edgeCount(); ++e) {
            const int64_t s = bondFeat->intAt(e, kBondStereo);
            if (s < 1 || s > 5) continue;
            RDKit::Bond* bond = mol->getBondWithIdx(e);
            if (s == 5) {
                bond->setStereo(RDKit::Bond::STEREOANY);
                continue;
            }
            const int a = highestRankedNeighbor(*mol, bond->getBeginAtom(), bond->getEndAtom(), ranks);
            const int b = highestRankedNeighbor(*mol, bond->getEndAtom(), bond->getBeginAtom(), ranks);
            if (a < 0 || b < 0) continue;
            bond->setStereoAtoms(unsigned(a), unsigned(b));
            // RDKit's writers honour CIS/TRANS with stereo atoms; Z is cis and E trans with
            // respect to the highest-ranked neighbours, and reads back as Z/E.
            if (s == 1) bond->setStereo(RDKit::Bond::STEREOCIS);
            else if (s == 2) bond->setStereo(RDKit::Bond::STEREOTRANS);
            else bond->setStereo(kStereoByIndex[s]);
        }
    }

    // The stereo above is final: writers must not re-perceive it (legacy perception would drop
    // double-bond stereo that has no bond directions).
    mol->setProp(RDKit::common_properties::_StereochemDone, 1, true);

    addConformerFromPositions(*mol, graph);
    return mol;
}

bool addConformerFromPositions(RDKit::ROMol& mol, const Graph& graph) {
    const AttrColumn* pos = graph.nodeAttrs().find(attr::kPos);
    if (!pos || pos->kind != AttrKind::Continuous || (pos->width != 2 && pos->width != 3) ||
        !pos->allPresent() || graph.nodeCount() == 0 || graph.nodeCount() != mol.getNumAtoms())
        return false;
    auto* conf = new RDKit::Conformer(mol.getNumAtoms());
    bool flat = true;
    for (size_t v = 0; v < graph.nodeCount(); ++v) {
        const double z = pos->width == 3 ? pos->realAt(v, 2) : 0.0;
        if (z != 0.0) flat = false;
        conf->setAtomPos(unsigned(v), RDGeom::Point3D(pos->realAt(v, 0), pos->realAt(v, 1), z));
    }
    conf->set3D(!flat);
    mol.addConformer(conf, true);
    return true;
}

}  // namespace gts::ogb
