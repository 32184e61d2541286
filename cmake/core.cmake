# The tailored core: libumk.a and the boot program umk-boot, from the
# sources configgen selected (UMK_OBJ_SOURCES freestanding, UMK_HOST_SOURCES
# hosted arch code).
list(TRANSFORM UMK_OBJ_SOURCES PREPEND ${UMK_SRCTREE}/ OUTPUT_VARIABLE obj_srcs)
list(TRANSFORM UMK_HOST_SOURCES PREPEND ${UMK_SRCTREE}/ OUTPUT_VARIABLE host_srcs)

add_library(umk_objs OBJECT ${obj_srcs} ${host_srcs})
target_include_directories(umk_objs PRIVATE ${UMK_INCLUDES})
target_compile_options(umk_objs PRIVATE ${UMK_C_FLAGS})
set_source_files_properties(${obj_srcs} PROPERTIES
  COMPILE_OPTIONS "${UMK_FREESTANDING_FLAGS}")
set_source_files_properties(${host_srcs} PROPERTIES
  COMPILE_OPTIONS "${UMK_HOST_FLAGS}")

# Objects depend on the generated config even where no #include says so.
set_property(SOURCE ${obj_srcs} ${host_srcs} APPEND PROPERTY OBJECT_DEPENDS
  ${CMAKE_BINARY_DIR}/include/generated/autoconf.h)

add_library(umk STATIC $<TARGET_OBJECTS:umk_objs>)
set_target_properties(umk PROPERTIES ARCHIVE_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
target_include_directories(umk INTERFACE ${UMK_SRCTREE}/include ${CMAKE_BINARY_DIR}/include)

# Applications link the whole archive: initcalls and test suites are only
# reached through linker sections, which would not pull their objects in.
add_library(umk_whole INTERFACE)
target_link_libraries(umk_whole INTERFACE
  "$<LINK_LIBRARY:WHOLE_ARCHIVE,umk>" ${UMK_HOST_LIBS} ${UMK_LINK_FLAGS})
target_include_directories(umk_whole INTERFACE ${UMK_SRCTREE}/include ${CMAKE_BINARY_DIR}/include)
add_library(umk::umk ALIAS umk_whole)

add_executable(umk-boot $<TARGET_OBJECTS:umk_objs>)
set_target_properties(umk-boot PROPERTIES LINKER_LANGUAGE C
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
target_link_libraries(umk-boot PRIVATE ${UMK_HOST_LIBS} ${UMK_LINK_FLAGS})

# The amalgamation: umk.h + umk.c, self-contained (configgen emit), and a
# boot program built from umk.c alone to prove it.
set(amalg ${CMAKE_BINARY_DIR}/amalgamation)
add_custom_command(OUTPUT ${amalg}/umk.c ${amalg}/umk.h
  COMMAND ${UMK_CONFIGGEN} emit -O ${CMAKE_BINARY_DIR} -o ${amalg}
  DEPENDS ${obj_srcs} ${host_srcs} ${CMAKE_BINARY_DIR}/.config
          ${CMAKE_BINARY_DIR}/include/generated/autoconf.h
  COMMENT "Emitting the amalgamation umk.c/umk.h")
add_custom_target(amalgamation DEPENDS ${amalg}/umk.c ${amalg}/umk.h)
add_executable(umk-amalg EXCLUDE_FROM_ALL ${amalg}/umk.c)
set_target_properties(umk-amalg PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${amalg})
target_compile_options(umk-amalg PRIVATE ${UMK_C_FLAGS} -Wno-unused-function)
target_link_libraries(umk-amalg PRIVATE ${UMK_HOST_LIBS} ${UMK_LINK_FLAGS})
