# Benchmark (make bench, part 2b): RT-App's reporting VCPU with one RT-VCPU from
# boot; the measured RT-VCPUs are created by the host (vhctl vcpu create) once
# vhd, the console and the statistics stream are attached.  1 CPU(s).
[machine]
cpus = 1
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 work=20 report=100 releases=0 cpu=auto
reserve = 50%
