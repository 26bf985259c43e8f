#include "graph/DenseEigen.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

// LAPACK (Fortran calling convention; the hidden lengths of the character arguments last).
extern "C" void dsyevr_(const char* jobz, const char* range, const char* uplo, const int* n, double* a,
                        const int* lda, const double* vl, const double* vu, const int* il, const int* iu,
                        const double* abstol, int* m, double* w, double* z, const int* ldz, int* isuppz,
                        double* work, const int* lwork, int* iwork, const int* liwork, int* info, size_t,
                        size_t, size_t);

namespace gts {

namespace {

/// When LAPACK is OpenBLAS's (Debian's alternative with libopenblas0-openmp), its OpenMP
/// threads would compete with the engine's TBB workers for the same cores: measured on a
/// 1,000-node GraphGPS run, 100-125 ms with OpenBLAS threading (200 ms with passive waiting)
/// against 90 ms with one thread. The engine's parallelism is TBB's, so OpenBLAS gets one.
void oneLapackThread() {
    static const bool done = [] {
        using SetThreads = void (*)(int);
        if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(1);
        return true;
    }();
    (void)done;
}

/// Eigenpairs 1..upTo of `a` (a copy is overwritten by LAPACK).
DenseEigenpairs lowest(const Eigen::MatrixXd& a, int upTo) {
    oneLapackThread();
    const int n = int(a.rows());
    Eigen::MatrixXd work = a;
    DenseEigenpairs out;
    out.values.resize(n);
    out.vectors.resize(n, upTo);
    std::vector<int> support(static_cast<size_t>(2 * std::max(1, upTo)));
    const int il = 1, iu = upTo, lda = std::max(1, n);
    const double vl = 0, vu = 0, abstol = 0;  // abstol 0: LAPACK's default accuracy
    int found = 0, info = 0, lwork = -1, liwork = -1, iworkQuery = 0;
    double workQuery = 0;
    dsyevr_("V", "I", "L", &n, work.data(), &lda, &vl, &vu, &il, &iu, &abstol, &found, out.values.data(),
            out.vectors.data(), &lda, support.data(), &workQuery, &lwork, &iworkQuery, &liwork, &info, 1, 1, 1);
    if (info != 0) throw std::invalid_argument("eigendecomposition: LAPACK dsyevr workspace query failed (" + std::to_string(info) + ")");
    lwork = std::max(1, int(workQuery));
    liwork = std::max(1, iworkQuery);
    std::vector<double> buffer(static_cast<size_t>(lwork));
    std::vector<int> ibuffer(static_cast<size_t>(liwork));
    dsyevr_("V", "I", "L", &n, work.data(), &lda, &vl, &vu, &il, &iu, &abstol, &found, out.values.data(),
            out.vectors.data(), &lda, support.data(), buffer.data(), &lwork, ibuffer.data(), &liwork, &info, 1, 1, 1);
    if (info != 0 || found != upTo)
        throw std::invalid_argument("eigendecomposition: LAPACK dsyevr did not converge (info " + std::to_string(info) + ")");
    out.values.conservativeResize(upTo);
    return out;
}

}  // namespace

DenseEigenpairs smallestSymmetricEigenpairs(const Eigen::MatrixXd& a, int count, double gap) {
    if (a.rows() != a.cols()) throw std::invalid_argument("eigendecomposition: the matrix is not square");
    const int n = int(a.rows());
    count = std::clamp(count, 0, n);
    if (count == 0) return {Eigen::VectorXd(0), Eigen::MatrixXd(n, 0)};
    // A few more than asked, then more while the last ones asked for continue a cluster.
    int upTo = std::min(n, count + 4);
    for (;;) {
        DenseEigenpairs r = lowest(a, upTo);
        int keep = count;
        while (keep < upTo && r.values[keep] - r.values[keep - 1] < gap) ++keep;
        if (keep < upTo || upTo == n) {
            r.values.conservativeResize(keep);
            r.vectors.conservativeResize(Eigen::NoChange, keep);
            return r;
        }
        upTo = std::min(n, 2 * upTo);
    }
}

}  // namespace gts
