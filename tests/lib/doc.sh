# tests/lib/doc.sh: recipes read out of the documentation, so that a test
# runs exactly the text a reader copies (sourced; POSIX sh).
#
# A recipe in docs/*.md is an indented (4 spaces) block between two marker
# lines:
#   <!-- snippet NAME begin -->
#       ...
#   <!-- snippet NAME end -->
#
#   doc_snippet DOC NAME   the block's lines, indentation removed, on stdout
#                          (nothing if DOC has no snippet NAME)

doc_snippet() {
	sed -n "/^<!-- snippet $2 begin -->\$/,/^<!-- snippet $2 end -->\$/p" "$1" |
		sed '1d; $d; s/^    //'
}
