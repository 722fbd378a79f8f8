# One interface target carries warnings and sanitizer flags; every target in
# the tree links it, so a flag changes in one place.
add_library(comments_build_flags INTERFACE)
target_compile_options(comments_build_flags INTERFACE
  -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)
if(COMMENTS_SANITIZE)
  target_compile_options(comments_build_flags INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(comments_build_flags INTERFACE
    -fsanitize=address,undefined)
endif()
