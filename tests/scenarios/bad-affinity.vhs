# expect: adu 'ctl': affinity: '2-3' names CPU 3 but the machine has 2 CPUs
[machine]
cpus = 2

[adu ctl]
memory = 8M
image = guest
vcpus = 2
affinity = 0-1;2-3
