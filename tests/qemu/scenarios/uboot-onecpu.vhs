# Integration test: unmodified U-Boot and an RT ADU sharing one CPU (the
# RT-VCPU preempts U-Boot); deterministic under -icount.

[machine]
cpus = 1
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
