# Full virtualization beside real time: an unmodified U-Boot (Debian's
# u-boot-qemu, S-mode build) runs in ADU `uboot` on the same two CPUs as
# ADU `rt`, where BareOS's RT-App releases an RT-VCPU every 10 ms with a
# 1 ms budget.  U-Boot sees a virt board of its own (the DTB vhcfg builds):
# 64 MiB of RAM, the 16550 and the sifive_test reset device; every other
# device of the board reads as absent.  Its `reset` and `poweroff` restart
# or stop only this ADU.  `uboot` comes first, so typed input goes to it;
# Ctrl-A three times moves the console focus to `rt` (and back).
# Built only when /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin exists.

[machine]
cpus = 2
quantum = 10ms

[adu uboot]
memory = 64M
image = uboot
entry = 0x80200000
vcpus = 1
devices = uart, reset

[adu rt]
memory = 16M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 report=100
vcpus = 1
reserve = 30%
devices = uart, reset
