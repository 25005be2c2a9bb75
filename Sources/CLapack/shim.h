// OpenBLAS's CBLAS (with openblas_set_num_threads) and LAPACKE, for Engine's linear algebra.
#ifndef MVS_CLAPACK_SHIM_H
#define MVS_CLAPACK_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
