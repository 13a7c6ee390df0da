# Integration test: two BareOS ADUs on two CPUs both run.
[machine]
cpus = 2
[adu alpha]
memory = 8M
image = bareos
bootargs = app=demo period=100
[adu beta]
memory = 8M
image = bareos
bootargs = app=demo period=150
