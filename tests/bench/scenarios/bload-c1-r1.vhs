# Benchmark (make bench, part 2): bench-c1-r1 plus a best-effort ADU
# spinning on every CPU (1 BE-VCPUs).
[machine]
cpus = 1
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=1 period=10000 budget=1000 work=20 report=100 releases=1000 cpu=auto
reserve = 50%
[adu gp]
memory = 8M
image = bareos
bootargs = app=spin every=50000000
vcpus = 1
