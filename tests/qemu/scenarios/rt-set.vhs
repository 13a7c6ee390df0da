# Integration test: live RT-VCPU changes after the first report: a budget
# over the CPU's bound is refused and leaves the parameters as they were;
# a fitting one is applied.
[machine]
cpus = 2
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=2 period=10000 budget=1000 work=0 report=100 releases=300 cpu=0 script=set
reserve = 30%
