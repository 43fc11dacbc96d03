# Writes OUTPUT, a C++ source defining `extern const std::string_view taskshare::SYMBOL` with the bytes
# of INPUT. Run as: cmake -DINPUT=... -DOUTPUT=... -DSYMBOL=... -P embed.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE "${OUTPUT}"
  "#include <string_view>\n"
  "namespace taskshare {\n"
  "namespace { constexpr char kBytes[] = {${bytes} '\\0'}; }\n"
  "extern const std::string_view ${SYMBOL}(kBytes, ${size});\n"
  "}  // namespace taskshare\n")
