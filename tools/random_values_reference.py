#!/usr/bin/env python3
"""An independent reference for network.values: random (core/model/random_values.cpp): MT19937-64
written from its published definition (Matsumoto & Nishimura; the parameters the C++ standard
gives std::mt19937_64), splitmix64's finalizer, and the rejection mapping to [lo, hi]
(docs/config.md). Prints the standard's anchor (the 10,000th output of the default-seeded engine)
and the first values tests/run/values_mode_test.cpp expects.

Usage: python3 tools/random_values_reference.py
"""
M64=(1<<64)-1
def mix(x):
    x=(x+0x9e3779b97f4a7c15)&M64
    x=((x^(x>>30))*0xbf58476d1ce4e5b9)&M64
    x=((x^(x>>27))*0x94d049bb133111eb)&M64
    return x^(x>>31)
class MT64:
    def __init__(s,seed):
        s.mt=[0]*312; s.mt[0]=seed&M64
        for i in range(1,312):
            s.mt[i]=(6364136223846793005*(s.mt[i-1]^(s.mt[i-1]>>62))+i)&M64
        s.i=312
    def next(s):
        if s.i>=312:
            for k in range(312):
                x=(s.mt[k]&0xFFFFFFFF80000000)|(s.mt[(k+1)%312]&0x7FFFFFFF)
                xa=x>>1
                if x&1: xa^=0xB5026F5AA96619E9
                s.mt[k]=s.mt[(k+156)%312]^xa
            s.i=0
        y=s.mt[s.i]; s.i+=1
        y^=(y>>29)&0x5555555555555555
        y^=(y<<17)&0x71D67FFFEDA60000
        y^=(y<<37)&0xFFF7EEE000000000
        y^=y>>43
        return y&M64
e=MT64(5489)
for _ in range(9999): e.next()
print("anchor 10000th:", e.next(), "(standard: 9981545732273789042)")
def uniform(e,lo,hi):
    span=hi-lo+1
    rej=span*(M64//span)
    x=e.next()
    while x>=rej: x=e.next()
    return lo+x%span
seed=mix(1^mix(1^mix(0)))
print("engine seed layer0:", hex(seed))
e=MT64(seed)
print("seed1 layer0 weights:", [uniform(e,-127,127) for _ in range(6)])
seed=mix(1^mix(2^mix(0)))
e=MT64(seed)
print("seed1 image0 input int8:", [uniform(e,-128,127) for _ in range(6)])
seed=mix(7^mix(1^mix(3)))
e=MT64(seed)
print("seed7 layer3:", [uniform(e,-127,127) for _ in range(4)])
