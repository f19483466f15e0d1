package envs

import (
	"github.com/smgrnn/arena/envs/scene"
	"github.com/smgrnn/arena/framework"
)

// Every environment draws its current state with package scene, the scene
// Gymnasium's render(mode="rgb_array") draws. Rendering reads the state
// only, so it works before a reset (the initial zero state) and after an
// episode ended.
var (
	_ framework.Renderer = (*CartPole)(nil)
	_ framework.Renderer = (*Acrobot)(nil)
	_ framework.Renderer = (*MountainCar)(nil)
	_ framework.Renderer = (*MountainCarContinuous)(nil)
	_ framework.Renderer = (*Pendulum)(nil)
)

// Render implements framework.Renderer: the cart at x and the pole at
// theta (600×400).
func (e *CartPole) Render() (framework.Image, error) {
	return scene.CartPole(e.state[0], e.state[2]), nil
}

// Render implements framework.Renderer: the two links at theta1 and
// theta2 (500×500).
func (e *Acrobot) Render() (framework.Image, error) {
	return scene.Acrobot(e.state[0], e.state[1]), nil
}

// Render implements framework.Renderer: the car on the hill and the flag
// at 0.5 (600×400).
func (e *MountainCar) Render() (framework.Image, error) {
	return scene.MountainCar(e.state[0], mcGoalPosition), nil
}

// Render implements framework.Renderer: the car on the hill and the flag
// at 0.45 (600×400).
func (e *MountainCarContinuous) Render() (framework.Image, error) {
	return scene.MountainCar(e.state[0], mccGoalPosition), nil
}

// Render implements framework.Renderer: the rod at theta and, after a
// step, the arrow of the last (clipped) torque (500×500).
func (e *Pendulum) Render() (framework.Image, error) {
	return scene.Pendulum(e.state[0], e.lastU, e.hasLastU), nil
}
