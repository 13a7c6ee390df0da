# Benchmark (make bench, part 1): the paper's Tables 1-3, 4 CPU(s) x 2 RT-VCPU(s).
# A BareOS ADU on one BE-VCPU creates 2 RT-VCPU(s) (period 10 ms, budget 1 ms)
# running RT-App for 1000 releases.
[machine]
cpus = 4
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=2 period=10000 budget=1000 work=20 report=100 releases=1000 cpu=auto
reserve = 50%
