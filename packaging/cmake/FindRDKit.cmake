# Finds Debian's RDKit (librdkit-dev), which installs neither a CMake config nor a pkg-config
# file. Defines RDKit::RDKit, an interface target with the headers and the libraries GTScope uses.
find_path(RDKit_INCLUDE_DIR GraphMol/ROMol.h PATH_SUFFIXES rdkit)
set(_gts_rdkit_components
    FileParsers SmilesParse Depictor SubstructMatch GraphMol RingDecomposerLib
    DataStructs RDGeometryLib RDGeneral)
set(RDKit_LIBRARIES "")
foreach(_c IN LISTS _gts_rdkit_components)
  find_library(RDKit_${_c}_LIBRARY NAMES RDKit${_c})
  if(RDKit_${_c}_LIBRARY)
    list(APPEND RDKit_LIBRARIES ${RDKit_${_c}_LIBRARY})
  elseif(NOT _c STREQUAL "RingDecomposerLib")
    list(APPEND _gts_rdkit_missing ${_c})
  endif()
endforeach()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(RDKit REQUIRED_VARS RDKit_INCLUDE_DIR RDKit_GraphMol_LIBRARY
                                  RDKit_SmilesParse_LIBRARY RDKit_FileParsers_LIBRARY)
if(RDKit_FOUND AND NOT TARGET RDKit::RDKit)
  find_package(Boost REQUIRED)
  add_library(RDKit::RDKit INTERFACE IMPORTED)
  set_target_properties(RDKit::RDKit PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${RDKit_INCLUDE_DIR};${Boost_INCLUDE_DIRS}"
      INTERFACE_LINK_LIBRARIES "${RDKit_LIBRARIES}")
endif()
