# Size and feature reports for this build directory (docs/reports.md).
#
#   cmake --build B --target report   prints the report, writes B/report.html
#                                     and B/report.json
# ctest: report.reconcile (rows == totals == `size`), report.budget (the
# profile's budget in profiles/budgets.json; skipped when none applies).
add_custom_target(report
  COMMAND ${UMK_CONFIGGEN} report -O ${CMAKE_BINARY_DIR}
  COMMAND ${UMK_CONFIGGEN} report -O ${CMAKE_BINARY_DIR} --format html
          -o ${CMAKE_BINARY_DIR}/report.html
  COMMAND ${UMK_CONFIGGEN} report -O ${CMAKE_BINARY_DIR} --format json --by symbol
          -o ${CMAKE_BINARY_DIR}/report.json
  COMMAND ${CMAKE_COMMAND} -E echo "HTML report: ${CMAKE_BINARY_DIR}/report.html"
  USES_TERMINAL
  COMMENT "Size and feature report of ${CMAKE_BINARY_DIR}")
# Measure the amalgamation too: umk.c compiled as one object with the
# profile's flags. Warnings do not stop the report (umk-amalg and its test
# hold the amalgamation to -Werror); only this object is needed, not a link.
set(report_amalg_flags ${UMK_C_FLAGS})
list(REMOVE_ITEM report_amalg_flags -Werror)
add_library(umk_report_amalg OBJECT EXCLUDE_FROM_ALL ${CMAKE_BINARY_DIR}/amalgamation/umk.c)
target_compile_options(umk_report_amalg PRIVATE ${report_amalg_flags} -w)
add_dependencies(report umk umk_report_amalg)

add_test(NAME report.reconcile
  COMMAND ${UMK_CONFIGGEN} report -O ${CMAKE_BINARY_DIR} --by symbol -o /dev/null)
add_test(NAME report.budget
  COMMAND ${UMK_CONFIGGEN} report -O ${CMAKE_BINARY_DIR} --check-budget -o /dev/null)
set_tests_properties(report.budget PROPERTIES SKIP_RETURN_CODE 77)
# Both measure the amalgamation's object when it exists: after
# amalgamation.build (tests/CMakeLists.txt), never while it is rewritten.
set_tests_properties(report.reconcile report.budget PROPERTIES LABELS "report" TIMEOUT 120
  FIXTURES_REQUIRED amalg)
