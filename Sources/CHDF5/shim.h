// Functions wrapping HDF5's macro-only constants, which Swift cannot import (they call H5open()).
#ifndef MVS_CHDF5_SHIM_H
#define MVS_CHDF5_SHIM_H
#include <hdf5.h>
#include <hdf5_hl.h>

static inline hid_t mvs_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t mvs_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t mvs_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t mvs_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t mvs_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t mvs_h5t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t mvs_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t mvs_h5t_native_int16(void) { return H5T_NATIVE_INT16; }
static inline hid_t mvs_h5t_native_hbool(void) { return H5T_NATIVE_HBOOL; }
static inline hid_t mvs_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t mvs_h5t_std_ref_obj(void) { return H5T_STD_REF_OBJ; }
static inline size_t mvs_h5t_variable(void) { return H5T_VARIABLE; }
static inline hid_t mvs_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t mvs_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t mvs_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t mvs_h5t_std_i8le(void) { return H5T_STD_I8LE; }
static inline hid_t mvs_h5p_group_create(void) { return H5P_GROUP_CREATE; }
static inline hid_t mvs_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t mvs_h5p_link_access(void) { return H5P_LINK_ACCESS; }
static inline hid_t mvs_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t mvs_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t mvs_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t mvs_h5p_dataset_xfer(void) { return H5P_DATASET_XFER; }
static inline unsigned mvs_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned mvs_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline unsigned mvs_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned mvs_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline hid_t mvs_h5s_all(void) { return H5S_ALL; }
static inline hid_t mvs_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t mvs_h5e_default(void) { return H5E_DEFAULT; }

#endif
