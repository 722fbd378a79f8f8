# Run as `cmake -DOUT_H=x.h -DOUT_CC=x.cc -DINCLUDE=path/of/x.h
# -DPRELUDE=prelude.lua -DSCRIPTS=a_b.lua,c_d.lua -P EmbedLua.cmake`.
#
# A folder of .lua files is the one list of its library's scripts
# (service/store/lua for the service, fsck/lua for comment-fsck): for each
# script a_b.lua this writes the declaration `const LuaScript& ABScript();`
# into OUT_H and its definition into OUT_CC, the script's source being the
# prelude followed by the script. A new script needs only its file.
# The include guard comes from INCLUDE, so that two libraries' headers differ.
string(MAKE_C_IDENTIFIER "COMMENTS_GENERATED_${INCLUDE}_" guard)
string(TOUPPER "${guard}" guard)
get_filename_component(lua_dir "${INCLUDE}" DIRECTORY)
set(lua_dir "${lua_dir}/lua")
set(header "// Generated from ${lua_dir} by cmake/EmbedLua.cmake.\n")
string(APPEND header "#ifndef ${guard}\n")
string(APPEND header "#define ${guard}\n\n")
string(APPEND header "#include \"redis/lua_script.h\"\n\nnamespace comments {\n\n")
set(source "// Generated from ${lua_dir} by cmake/EmbedLua.cmake.\n")
string(APPEND source "#include \"${INCLUDE}\"\n\nnamespace comments {\nnamespace {\n")
set(accessors "")
file(READ "${PRELUDE}" prelude)
string(REPLACE "," ";" SCRIPTS "${SCRIPTS}")
list(SORT SCRIPTS)
foreach(script IN LISTS SCRIPTS)
  get_filename_component(stem "${script}" NAME_WE)
  string(REPLACE "_" ";" words "${stem}")
  set(name "")
  foreach(word IN LISTS words)
    string(SUBSTRING "${word}" 0 1 head)
    string(SUBSTRING "${word}" 1 -1 tail)
    string(TOUPPER "${head}" head)
    string(APPEND name "${head}${tail}")
  endforeach()
  file(READ "${script}" body)
  string(APPEND header "// ${lua_dir}/${stem}.lua\n")
  string(APPEND header "const LuaScript& ${name}Script();\n")
  string(APPEND source "const char k${name}Lua[] = R\"lua(${prelude}\n${body})lua\";\n")
  string(APPEND accessors "const LuaScript& ${name}Script() {\n"
                          "  static const LuaScript script(k${name}Lua);\n"
                          "  return script;\n}\n")
endforeach()
string(APPEND header "\n}  // namespace comments\n\n#endif  // ${guard}\n")
string(APPEND source "}  // namespace\n\n${accessors}\n}  // namespace comments\n")
foreach(kind H CC)
  if(kind STREQUAL "H")
    set(text "${header}")
  else()
    set(text "${source}")
  endif()
  file(WRITE "${OUT_${kind}}.tmp" "${text}")
  file(COPY_FILE "${OUT_${kind}}.tmp" "${OUT_${kind}}" ONLY_IF_DIFFERENT)
endforeach()
