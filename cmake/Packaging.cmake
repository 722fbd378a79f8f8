# Everything `cmake --install` puts in place, in one file: the programs, the
# data they read, and the CMake package of the client library, with which a
# portal's own build links the client:
#
#   find_package(Comments CONFIG REQUIRED)
#   target_link_libraries(portal PRIVATE comments::client)
#
# (docs/client.md). Installed headers keep their source paths: client.h and
# the generated proto headers it includes, nothing internal.
include(CMakePackageConfigHelpers)

install(TARGETS comment-server comment-fsck commentctl comment-moderate comment-portal
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES moderation/data/default_lexicon.tsv
  DESTINATION ${CMAKE_INSTALL_DATADIR}/comments)
install(DIRECTORY demo/data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/comments/demo)

target_include_directories(comments_client PUBLIC
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(comments_client PROPERTIES EXPORT_NAME client)
set_target_properties(comments_proto PROPERTIES EXPORT_NAME proto)
# comments_build_flags goes along only because the static client links it
# privately; it carries no include path or definition a consumer sees.
install(TARGETS comments_client comments_proto comments_build_flags
  EXPORT CommentsTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES client/client.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/client)
install(DIRECTORY ${PROJECT_BINARY_DIR}/proto/comments
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.pb.h")

set(COMMENTS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Comments)
install(EXPORT CommentsTargets NAMESPACE comments::
  DESTINATION ${COMMENTS_CMAKE_DIR})
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/CommentsConfig.cmake.in
  ${PROJECT_BINARY_DIR}/CommentsConfig.cmake
  INSTALL_DESTINATION ${COMMENTS_CMAKE_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/CommentsConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/CommentsConfig.cmake
  ${PROJECT_BINARY_DIR}/CommentsConfigVersion.cmake
  DESTINATION ${COMMENTS_CMAKE_DIR})
