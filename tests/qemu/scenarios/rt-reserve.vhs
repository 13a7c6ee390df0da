# Integration test: RT-App asks for more than its ADU's reservation; the
# third RT-VCPU is refused with the reason, the first two run.
[machine]
cpus = 2
[adu ctl]
memory = 8M
image = bareos
bootargs = app=rtapp n=2 period=10000 budget=2000 work=0 report=50 releases=100 extra=5000
reserve = 30%
