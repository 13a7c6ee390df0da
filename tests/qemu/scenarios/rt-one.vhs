# Integration test / benchmark seed: RT-App with one RT-VCPU on one CPU,
# period 10 ms (the paper's Table 1, first row).
[machine]
cpus = 1
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 report=100 releases=1000
reserve = 30%
