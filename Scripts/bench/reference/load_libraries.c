/* The floor for a tool's start-up: a C program that loads what every Retort
   tool loads (HDF5 and OpenBLAS), initialises both, opens an HDF5 file when
   given one, and prints the OpenBLAS kernel. */
#include <hdf5.h>
#include <stdio.h>

char *openblas_get_corename(void);

int main(int argc, char **argv) {
  if (H5open() < 0) return 1;
  if (argc > 1) {
    hid_t f = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return 1;
    H5Fclose(f);
  }
  printf("%s\n", openblas_get_corename());
  return 0;
}
