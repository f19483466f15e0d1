package box2d

import (
	"math"

	"github.com/smgrnn/arena/teachers/expert"
)

func init() {
	expert.Register("LunarLander-v3", landerDiscreteLaw)
	expert.Register("LunarLanderContinuous-v3", landerContinuousLaw)
}

// landerDiscreteLaw is the discrete lander's expert: one engine at a time.
func landerDiscreteLaw(obs, act []float64) { act[0] = landerDiscrete(landerControl(obs)) }

// landerContinuousLaw is the continuous lander's expert: the main throttle
// follows the need to climb, the side throttle the need to turn.
func landerContinuousLaw(obs, act []float64) {
	angle, hover := landerControl(obs)
	act[0] = clip(hover*20-1, -1, 1)
	act[1] = clip(-angle*20, -1, 1)
}

// landerControl is the landers' control law: a PD controller that tilts the
// lander towards the pad (its target angle grows with the offset and the
// drift, capped at 0.4 rad) and holds a target height that shrinks as the
// lander nears the pad's centre, so it descends only once above the pad.
// It returns how much to turn (positive: fire the right-hand engine's
// opposite, i.e. turn left) and how much to climb. Once a leg touches, it
// only brakes the fall.
func landerControl(s []float64) (angleTodo, hoverTodo float64) {
	angleTarget := clip(s[0]*0.5+s[2]*1.0, -0.4, 0.4)
	hoverTarget := 0.55 * math.Abs(s[0])
	angleTodo = (angleTarget-s[4])*0.5 - s[5]*1.0
	hoverTodo = (hoverTarget-s[1])*0.5 - s[3]*0.5
	if s[6] != 0 || s[7] != 0 {
		angleTodo = 0
		hoverTodo = -s[3] * 0.5
	}
	return angleTodo, hoverTodo
}

// landerDiscrete picks the one engine that serves the larger need: the main
// engine to climb, a side engine to turn.
func landerDiscrete(angleTodo, hoverTodo float64) float64 {
	switch {
	case hoverTodo > math.Abs(angleTodo) && hoverTodo > 0.05:
		return 2
	case angleTodo < -0.05:
		return 3
	case angleTodo > 0.05:
		return 1
	}
	return 0
}
