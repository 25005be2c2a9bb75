"""`python -m mvs_kernel --mvs PATH -f CONNECTION_FILE`: what the installed kernel.json runs."""
import sys

from ipykernel.kernelapp import IPKernelApp

from .kernel import MvsKernel


def main(argv):
    """Takes `--mvs PATH` (the binary the kernel was installed with); the rest goes to ipykernel."""
    rest = []
    index = 0
    while index < len(argv):
        if argv[index] == "--mvs" and index + 1 < len(argv):
            MvsKernel.binary = argv[index + 1]
            index += 2
            continue
        rest.append(argv[index])
        index += 1
    IPKernelApp.launch_instance(kernel_class=MvsKernel, argv=rest)


if __name__ == "__main__":
    main(sys.argv[1:])
