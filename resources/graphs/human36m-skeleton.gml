graph [
  node [
    id 0
    label "hip"
  ]
  node [
    id 1
    label "r_hip"
  ]
  node [
    id 2
    label "r_knee"
  ]
  node [
    id 3
    label "r_ankle"
  ]
  node [
    id 4
    label "l_hip"
  ]
  node [
    id 5
    label "l_knee"
  ]
  node [
    id 6
    label "l_ankle"
  ]
  node [
    id 7
    label "spine"
  ]
  node [
    id 8
    label "thorax"
  ]
  node [
    id 9
    label "neck_nose"
  ]
  node [
    id 10
    label "head"
  ]
  node [
    id 11
    label "l_shoulder"
  ]
  node [
    id 12
    label "l_elbow"
  ]
  node [
    id 13
    label "l_wrist"
  ]
  node [
    id 14
    label "r_shoulder"
  ]
  node [
    id 15
    label "r_elbow"
  ]
  node [
    id 16
    label "r_wrist"
  ]
  edge [
    source 0
    target 1
  ]
  edge [
    source 0
    target 4
  ]
  edge [
    source 0
    target 7
  ]
  edge [
    source 1
    target 2
  ]
  edge [
    source 2
    target 3
  ]
  edge [
    source 4
    target 5
  ]
  edge [
    source 5
    target 6
  ]
  edge [
    source 7
    target 8
  ]
  edge [
    source 8
    target 9
  ]
  edge [
    source 8
    target 11
  ]
  edge [
    source 8
    target 14
  ]
  edge [
    source 9
    target 10
  ]
  edge [
    source 11
    target 12
  ]
  edge [
    source 12
    target 13
  ]
  edge [
    source 14
    target 15
  ]
  edge [
    source 15
    target 16
  ]
]
