#include <hdf5.h>
#include <hdf5_hl.h>

/* Swift 6 cannot use HDF5's global type ids and macro constants directly:
   each one gets a getter here. */
static inline hid_t retort_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t retort_h5s_all(void) { return H5S_ALL; }
static inline hid_t retort_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t retort_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t retort_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t retort_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline unsigned retort_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned retort_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline unsigned retort_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline size_t retort_h5t_variable(void) { return H5T_VARIABLE; }
static inline hsize_t retort_h5s_unlimited(void) { return H5S_UNLIMITED; }
static inline unsigned retort_image_flags(void) {
  return H5LT_FILE_IMAGE_DONT_COPY | H5LT_FILE_IMAGE_DONT_RELEASE;
}

static inline hid_t retort_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t retort_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t retort_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t retort_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t retort_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t retort_h5t_c_s1(void) { return H5T_C_S1; }

/* Turn off HDF5's printing of error stacks; Retort reports errors itself. */
static inline void retort_h5_silence(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
