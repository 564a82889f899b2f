// libnifti2 reads NIfTI-1 and NIfTI-2, .nii and .nii.gz (Debian: libnifti2-dev).
#include <nifti/nifti2_io.h>
// zlib: Volumes inflates .nii.gz / gzip NRRD itself (one large buffer) and writes gzip in parallel members.
#include <zlib.h>
