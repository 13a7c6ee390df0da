# Integration test: six spinning BE-VCPUs on four CPUs; `hi` has
# priority 4, `lo` priority 1: all progress, `hi` gets more.
[machine]
cpus = 4
quantum = 5ms
[adu hi]
memory = 8M
image = bareos
bootargs = app=spin every=1000000
vcpus = 3
priority = 4
[adu lo]
memory = 8M
image = bareos
bootargs = app=spin every=1000000
vcpus = 3
priority = 1
