# Integration test: a best-effort ADU spins on the CPU while RT-App runs;
# RT jitter stays where it is without the load (compare rt-one).
[machine]
cpus = 1
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 report=100 releases=300
reserve = 30%
[adu gp]
memory = 8M
image = bareos
bootargs = app=spin every=5000000
vcpus = 1
