#!/usr/bin/python3
"""Put the tool folders on the GoNB kernel's PATH (docs/notebooks.md, "Kernel PATH").

A Jupyter kernel inherits the *server's* environment, so a kernel started from a shell that lacks
the project's .bin (gonb, goimports, gopls) or Go's bin folder fails every cell. jupyter-client
expands ${VAR} in a kernelspec's env, so we prepend our folders and keep the server's PATH.

usage: install_kernel.py BIN_DIR [GO_BIN_DIR]
"""
import json
import os
import sys

from jupyter_client.kernelspec import KernelSpecManager

HDF5_INCLUDE = "/usr/include/hdf5/serial"
HDF5_LIB = "/usr/lib/x86_64-linux-gnu/hdf5/serial"


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    dirs = [os.path.abspath(d) for d in argv[1:] if d]
    try:
        spec_dir = KernelSpecManager().get_kernel_spec("gonb").resource_dir
    except Exception as err:  # jupyter_client raises NoSuchKernel
        print(f"install_kernel: gonb kernel not registered: {err}", file=sys.stderr)
        return 1
    path = os.path.join(spec_dir, "kernel.json")
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    env = spec.setdefault("env", {})
    env["PATH"] = ":".join(dirs + ["${PATH}"])
    env.setdefault("GOTOOLCHAIN", "local")
    # The AVX-512 kernels (brain/internal/simd) need Go's simd experiment, as in the Makefile;
    # without it the portable kernels give the same results, only slower.
    env.setdefault("GOEXPERIMENT", "simd")
    # Notebooks that write NWB/SONATA compile format/nwb and format/sonata, which link Debian's
    # HDF5 through cgo: give the kernel the same flags as the Makefile.
    if os.path.isdir(HDF5_INCLUDE):
        env["CGO_CFLAGS"] = "-O2 -g -I" + HDF5_INCLUDE
        env["CGO_LDFLAGS"] = "-O2 -g -L" + HDF5_LIB
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=1)
        f.write("\n")
    print(f"install_kernel: {path}: PATH={env['PATH']}" + (" (+ HDF5 cgo flags)" if "CGO_CFLAGS" in env else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
