"""configgen genconfig: BUILD_DIR/.config -> the files the build reads.

  include/generated/autoconf.h   CONFIG_* macros
  include/generated/ikconfig.h   UMK_IKCONFIG_TEXT / UMK_IKCONFIG_BLOB
  config.cmake                   set(CONFIG_X "v")
  sources.cmake                  UMK_SRCARCH, UMK_OBJ_SOURCES, UMK_HOST_SOURCES
  config.json                    every symbol: value, type, prompt, menu path
Each is rewritten only when its content changes.
"""
import os

from . import dotconfig, generate, paths
from .atomic import Transaction
from .errors import ConfigError
from .model import Model


def read_config(build_dir):
    cfg = os.path.join(build_dir, ".config")
    if not os.path.exists(cfg):
        raise ConfigError(f"{paths.display(cfg)}: no such file (run configgen defconfig first)")
    return dotconfig.read_text(cfg, paths.display(cfg))


def run(build_dir):
    text = read_config(build_dir)
    config = dotconfig.values_of_text(text, paths.display(os.path.join(build_dir, ".config")))
    tx = Transaction()
    model = Model.load(text, build_dir, tx)
    arch = generate.srcarch()
    srcs, _ = generate.sources_cmake(config, arch)
    gen = os.path.join(build_dir, "include", "generated")
    tx.write_if_changed(os.path.join(gen, "autoconf.h"), generate.autoconf_h(config, model.types()))
    tx.write_if_changed(os.path.join(gen, "ikconfig.h"), generate.ikconfig_h(text))
    tx.write_if_changed(os.path.join(build_dir, "config.cmake"), generate.config_cmake(config))
    tx.write_if_changed(os.path.join(build_dir, "sources.cmake"), srcs)
    tx.write_if_changed(os.path.join(build_dir, "config.json"), generate.config_json(model))
    tx.commit()
    return 0
