# Install layout and the Debian package (`make package` -> cpack -G DEB in build/release).
# Installed tree: bin/gtscope, bin/gtscope-cli, share/gtscope/{models,graphs} (found by
# app/gui/ResourcePaths.cpp as <bindir>/../share/gtscope), desktop/metainfo/MIME/icons/man page.
include(GNUInstallDirs)

set(GTS_PKG_DIR ${CMAKE_CURRENT_LIST_DIR})
set(GTS_APP_ID io.github.gtscope.GTScope)

install(TARGETS gtscope-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET gtscope)
  install(TARGETS gtscope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY ${GTS_SOURCE_RESOURCES}/models ${GTS_SOURCE_RESOURCES}/graphs
        DESTINATION ${CMAKE_INSTALL_DATADIR}/gtscope
        PATTERN "__pycache__" EXCLUDE PATTERN "*.pyc" EXCLUDE)
install(FILES ${GTS_PKG_DIR}/${GTS_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${GTS_PKG_DIR}/${GTS_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${GTS_PKG_DIR}/gtscope.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages)
# Debian policy 12.1: man pages are installed gzip-compressed (-n: no timestamp, reproducible).
set(GTS_MAN_GZ ${PROJECT_BINARY_DIR}/packaging/gtscope-cli.1.gz)
add_custom_command(OUTPUT ${GTS_MAN_GZ}
                   COMMAND sh -c "gzip -9n -c \"$1\" > \"$2\"" sh ${GTS_PKG_DIR}/gtscope-cli.1 ${GTS_MAN_GZ}
                   DEPENDS ${GTS_PKG_DIR}/gtscope-cli.1 VERBATIM)
add_custom_target(gtscope_man ALL DEPENDS ${GTS_MAN_GZ})
install(FILES ${GTS_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${GTS_SOURCE_RESOURCES}/icons/gtscope.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps RENAME ${GTS_APP_ID}.svg)
foreach(size 16 32 48 64 128 256)
  install(FILES ${GTS_SOURCE_RESOURCES}/icons/gtscope-${size}.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps RENAME ${GTS_APP_ID}.png)
endforeach()

set(CPACK_PACKAGE_NAME gtscope)
set(CPACK_PACKAGE_VENDOR "GTScope")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "GTScope developers <gtscope@users.noreply.github.com>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Look inside graph transformers\n GTScope runs GraphGPT models (Llama-style transformers over Eulerian token\n sequences of graphs) on the CPU and shows their attention on the graph.\n Includes the desktop application, gtscope-cli and demo models.")
# Linked libraries come from dpkg-shlibdeps. The rest is loaded at run time and invisible to it:
# libgl1 (Dear ImGui's GL loader and Qt's xcb GL integration dlopen libGL.so.1), libegl1 (EGL
# for GPU backends). Qt's X11 platform plugin (libqxcb.so) ships in libqt6gui6, which shlibdeps
# already names.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libgl1, libegl1")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libgl1-mesa-dri, fonts-dejavu-core")
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_STRIP_FILES ON)
include(CPack)
