# Configure-time glue to tools/configgen.
set(UMK_CONFIGGEN ${UMK_SRCTREE}/tools/configgen/configgen)

function(umk_configgen)
  execute_process(COMMAND ${UMK_CONFIGGEN} ${ARGN}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    list(GET ARGN 0 what)
    message(FATAL_ERROR "configgen ${what} failed (its message is above); "
                        "the build directory was left as it was")
  endif()
endfunction()

function(umk_run_configgen)
  if(UMK_CONFIG)
    set(input ${UMK_CONFIG})
    get_filename_component(input ${input} ABSOLUTE)
    set(inputs ${input})
  else()
    set(input ${UMK_PROFILE})
    set(inputs ${UMK_SRCTREE}/profiles/${UMK_PROFILE}.config)
  endif()
  set(args defconfig ${input} -O ${CMAKE_BINARY_DIR})
  foreach(frag ${UMK_FRAGMENTS})
    get_filename_component(frag ${frag} ABSOLUTE)
    list(APPEND args --fragment ${frag})
    list(APPEND inputs ${frag})
  endforeach()
  get_cmake_property(cache_vars CACHE_VARIABLES)
  foreach(var ${cache_vars})
    if(var MATCHES "^CONFIG_[A-Za-z0-9_]+$")
      list(APPEND args --set "${var}=$CACHE{${var}}")
    endif()
  endforeach()
  umk_configgen(${args})
  umk_configgen(genconfig -O ${CMAKE_BINARY_DIR})

  # Re-run configure when any input of the configuration changes.
  file(GLOB_RECURSE kfiles CONFIGURE_DEPENDS
       ${UMK_SRCTREE}/arch/*Kconfig ${UMK_SRCTREE}/core/*Kconfig
       ${UMK_SRCTREE}/optional/*Kconfig ${UMK_SRCTREE}/arch/*Kbuild
       ${UMK_SRCTREE}/core/*Kbuild ${UMK_SRCTREE}/optional/*Kbuild
       ${UMK_SRCTREE}/tests/kernel/Kbuild)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               ${UMK_SRCTREE}/Kconfig ${UMK_SRCTREE}/Kbuild ${kfiles} ${inputs}
               ${CMAKE_BINARY_DIR}/.config)

  include(${CMAKE_BINARY_DIR}/config.cmake)
  include(${CMAKE_BINARY_DIR}/sources.cmake)
  foreach(var UMK_SRCARCH UMK_OBJ_SOURCES UMK_HOST_SOURCES)
    set(${var} ${${var}} PARENT_SCOPE)
  endforeach()
  get_cmake_property(all_vars VARIABLES)
  foreach(var ${all_vars})
    if(var MATCHES "^CONFIG_")
      set(${var} ${${var}} PARENT_SCOPE)
    endif()
  endforeach()
endfunction()

# Kernel-style targets that act on this build directory's .config.
add_custom_target(menuconfig
  COMMAND ${UMK_CONFIGGEN} menuconfig -O ${CMAKE_BINARY_DIR}
  USES_TERMINAL COMMENT "menuconfig on ${CMAKE_BINARY_DIR}/.config")
add_custom_target(savedefconfig
  COMMAND ${UMK_CONFIGGEN} savedefconfig -O ${CMAKE_BINARY_DIR}
          -o ${CMAKE_BINARY_DIR}/defconfig
  COMMENT "Minimal config written to ${CMAKE_BINARY_DIR}/defconfig")
